"""协作移送"""
from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "jiuzhu.app.referrals"
    label = "referrals"
    verbose_name = "协作移送"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from jiuzhu.app.accounts.models import Unit
        from jiuzhu.app.referrals.signals import unit_saved

        post_save.connect(unit_saved, sender=Unit, dispatch_uid="referrals-unit-duties")
