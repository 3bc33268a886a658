from django.urls import path

from jiuzhu.app.registries import views

app_name = "registries"
urlpatterns = [
    path("", views.batches, name="batches"),
    path("<str:batch_id>/confirm/", views.confirm, name="confirm"),
    path("<str:batch_id>/withdraw/", views.withdraw, name="withdraw"),
    path("agreements/", views.agreements, name="agreements"),
]
