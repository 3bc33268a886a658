"""协作移送"""
from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "jiuzhu.app.referrals"
    label = "referrals"
    verbose_name = "协作移送"

    def ready(self) -> None:
        # here, not at the top: the models must be loaded first
        from django.db.models.signals import post_save

        from jiuzhu.app.accounts.models import Unit
        from jiuzhu.app.casework import deadlines
        from jiuzhu.app.casework.signals import clue_referred, need_routed
        from jiuzhu.app.referrals import jobs
        from jiuzhu.app.referrals.services import worklists
        from jiuzhu.app.referrals.signals import plan_routed_need, refer_concluded_clue, unit_saved
        from jiuzhu.app.registries.signals import batch_state_changed

        post_save.connect(unit_saved, sender=Unit, dispatch_uid="referrals-unit-duties")
        batch_state_changed.connect(jobs.batch_changed, dispatch_uid="referrals-upload-batch-state")
        clue_referred.connect(refer_concluded_clue, dispatch_uid="referrals-clue-referred")
        need_routed.connect(plan_routed_need, dispatch_uid="referrals-need-routed")
        deadlines.add_source(worklists.deadline_rows, worklists.deadline_counts)  # the unit's referral work on 我的期限
        # importing ``jobs`` registered the ``import`` job with jobs.queue
