from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiuzhu.app.accounts"
    label = "accounts"
    verbose_name = "单位与用户"
