from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jiuzhu.app.api"
    label = "api"
    verbose_name = "数据接口"
    default_auto_field = "django.db.models.BigAutoField"
