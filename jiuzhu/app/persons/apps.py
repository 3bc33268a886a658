from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "jiuzhu.app.persons"
    label = "persons"
    verbose_name = "人员"
