from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "jiuzhu.app.casework"
    label = "casework"
    verbose_name = "办案"

    def ready(self) -> None:
        # here, not at the top: the models must be loaded first
        from jiuzhu.app.casework.views.clues import SECTION_RELATED, clue_sections
        from jiuzhu.app.clues import sections

        sections.add(clue_sections, related=SECTION_RELATED)  # 核查 on the clue page
