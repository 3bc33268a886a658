"""核查 on the clue pages: casework's views under the clues' paths (jiuzhu/app/urls.py mounts them at
/clues/), named ``verification:…``."""

from django.urls import path

from jiuzhu.app.casework.views import clues

app_name = "verification"
urlpatterns = [
    path("assign/", clues.assign_batch, name="assign_batch"),
    path("<int:pk>/assign/", clues.assign, name="assign"),
    path("<int:pk>/conclude/", clues.conclude, name="conclude"),
]
