"""后台任务"""
from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jiuzhu.app.jobs"
    label = "jobs"
    verbose_name = "后台任务"
