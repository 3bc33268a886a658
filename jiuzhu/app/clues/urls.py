from django.urls import path

from jiuzhu.app.clues import views

app_name = "clues"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("assign/", views.assign_batch, name="assign_batch"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/answer/", views.answer, name="answer"),
]
