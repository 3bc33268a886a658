from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "jiuzhu.app.referrals"
    label = "referrals"
    verbose_name = "协作移送"
