"""配置"""
from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "jiuzhu.app.config"
    label = "config"
    verbose_name = "配置"
