from django.apps import AppConfig


class CluesConfig(AppConfig):
    name = "jiuzhu.app.clues"
    label = "clues"
    verbose_name = "线索"
    default_auto_field = "django.db.models.BigAutoField"
