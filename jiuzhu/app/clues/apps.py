from django.apps import AppConfig


class CluesConfig(AppConfig):
    name = "jiuzhu.app.clues"
    label = "clues"
    verbose_name = "线索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # here, not at the top: the models must be loaded first
        from jiuzhu.app.clues import jobs  # noqa: F401 — registers the ``screen`` job with jobs.queue
