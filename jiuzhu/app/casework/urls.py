from django.urls import path

from jiuzhu.app.casework.views import calendar, cases, inbox, steps

app_name = "casework"
urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("new/", cases.new_case, name="new_case"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/documents/<slug:slug>.docx", cases.document, name="document"),
    path("<int:pk>/correct/", cases.correct_case, name="correct_case"),
    path("<int:pk>/report/", steps.save_report, name="save_report"),
    path("<int:pk>/meeting/", steps.add_meeting, name="add_meeting"),
    path("<int:pk>/submit/", steps.submit, name="submit"),
    path("<int:pk>/urgent/", steps.mark_urgent, name="mark_urgent"),
    path("<int:pk>/paperwork/", steps.complete_paperwork, name="complete_paperwork"),
    path("<int:pk>/approve/", steps.approve, name="approve"),
    path("<int:pk>/decide/", steps.decide, name="decide"),
    path("<int:pk>/funds/request/", steps.request_funds, name="request_funds"),
    path("<int:pk>/funds/received/", steps.funds_received, name="funds_received"),
    path("<int:pk>/notified/", steps.notified, name="notified"),
    path("<int:pk>/paid/", steps.paid, name="paid"),
    path("<int:pk>/visits/", steps.schedule_visit, name="schedule_visit"),
    path("<int:pk>/visits/<int:visit_pk>/", steps.record_visit, name="record_visit"),
    path("<int:pk>/visits/partner/", steps.partner_visit, name="partner_visit"),
    path("<int:pk>/visits/<int:visit_pk>/route/", steps.route_need, name="route_need"),
    path("<int:pk>/visits/<int:visit_pk>/decline/", steps.decline_need, name="decline_need"),
    path("<int:pk>/close/", steps.close, name="close"),
    path("approvals/", inbox.approvals, name="approvals"),
    path("payments/", inbox.payments, name="payments"),
    path("deadlines/", inbox.my_deadlines, name="deadlines"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/add/", calendar.calendar_add, name="calendar_add"),
    path("calendar/remove/", calendar.calendar_remove, name="calendar_remove"),
    path("calendar/upload/", calendar.calendar_upload, name="calendar_upload"),
]
