from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "jiuzhu.app.casework"
    label = "casework"
    verbose_name = "办案"
