from django.urls import path

from jiuzhu.app.persons import views

app_name = "persons"
urlpatterns = [
    path("", views.search, name="search"),
    path("<str:person_key>/", views.person, name="person"),
]
