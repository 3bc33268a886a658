from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiuzhu.app.accounts"
    label = "accounts"
    verbose_name = "单位与用户"

    def ready(self) -> None:
        # django.contrib.admin (first in INSTALLED_APPS) has registered every app's admin by now:
        # take out personal data and deletion, and let only the data administrator in
        from django.contrib import admin

        from jiuzhu.app.accounts.admin_policy import lock_down

        lock_down(admin.site)

        from jiuzhu.app.accounts import changelog, signals

        changelog.connect()
        signals.connect()
