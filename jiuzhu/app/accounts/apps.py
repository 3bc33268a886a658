from django.apps import AppConfig
from django.contrib import admin


class AccountsConfig(AppConfig):
    name = "jiuzhu.app.accounts"
    label = "accounts"
    verbose_name = "单位与用户"

    def ready(self) -> None:
        # django.contrib.admin (first in INSTALLED_APPS) has registered every app's admin by now:
        # take out personal data and deletion, and let only the data administrator in
        # here, not at the top: the models must be loaded first (admin_policy's policy imports them)
        from jiuzhu.app.accounts.admin_policy import lock_down

        lock_down(admin.site)

        # here, not at the top: the models must be loaded first (the change log and signals write audit events)
        from jiuzhu.app.accounts import changelog, signals

        changelog.connect()
        signals.connect()
