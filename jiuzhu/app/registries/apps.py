"""名单管理"""
from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "jiuzhu.app.registries"
    label = "registries"
    verbose_name = "名单管理"
