from django.urls import path

from jiuzhu.app.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("quarterly.<str:fmt>", views.download, name="download"),
]
