from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jiuzhu.app.reports"
    label = "reports"
    verbose_name = "通报与统计"
