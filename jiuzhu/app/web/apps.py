from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jiuzhu.app.web"
    label = "web"
    verbose_name = "网页"
