from django.urls import path

from jiuzhu.app.referrals.views import (
    duties,
    inbox,
    ledger,
    meetings,
    new,
    notifications,
    plan,
    referral,
    upload,
)

app_name = "referrals"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("all/", ledger.ledger, name="ledger"),
    path("new/", new.new, name="new"),
    path("<int:pk>/", referral.detail, name="detail"),
    path("<int:pk>/letter.docx", referral.letter, name="letter"),
    path("<int:pk>/sign/", referral.sign, name="sign"),
    path("<int:pk>/start/", referral.start, name="start"),
    path("<int:pk>/answer/", referral.answer, name="answer"),
    path("<int:pk>/return/", referral.return_referral, name="return"),
    path("plan-items/", plan.plan_items, name="plan_items"),
    path("plan-items/<int:pk>/close/", plan.close_item, name="close_item"),
    path("cases/<int:pk>/", plan.case_page, name="case"),
    path("duties/", duties.duties, name="duties"),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("upload/", upload.upload, name="upload"),
    path("upload/<int:pk>/", upload.upload_status, name="upload_status"),
    path("upload/<int:pk>/rejections.csv", upload.rejections, name="rejections"),
]
