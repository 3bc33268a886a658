"""Clues (线索) found by screening, the switchable rule settings, and screening runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ClueState(models.TextChoices):
    NEW = "new", "新线索"
    ASSIGNED = "assigned", "已分派"
    VERIFYING = "verifying", "核查中"
    ACCEPTED = "accepted", "已立案"
    REFERRED = "referred", "已移送"
    EXCLUDED = "excluded", "已排除"
    LAPSED = "lapsed", "事实已消失"
    ANSWERED = "answered", "单位已答复"


class ClueSource(models.TextChoices):
    """How a clue came in: screening, or entered by hand (workflow.md §1)."""

    SCREENING = "screening", "筛查"
    APPLICATION = "application", "申请"
    TRANSFER = "transfer", "移送"
    PETITION = "petition", "信访"
    HOTLINE = "12309", "12309"
    OTHER = "other", "其他"


class UnitOutcome(models.TextChoices):
    """A partner unit's answer to its clue (api.md `POST /api/v1/clues/{id}/conclusion`)."""

    TAKEN_UP = "taken_up", "纳入帮扶"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"
    ALREADY_COVERED = "already_covered", "已在册"
    TO_PROCURATORATE = "to_procuratorate", "转检察院"


# States in which a person is still waiting for someone to act (the export's "open clues").
OPEN_STATES = (ClueState.NEW, ClueState.ASSIGNED, ClueState.VERIFYING)
# States a person set by handling the clue: re-screening never overwrites them.
HANDLED_STATES = (
    ClueState.ASSIGNED,
    ClueState.VERIFYING,
    ClueState.ACCEPTED,
    ClueState.REFERRED,
    ClueState.EXCLUDED,
    ClueState.ANSWERED,
)


def tag_text(tags) -> str:
    """Tags as one searchable string, `|未成年人|残疾人|`: a portable `contains` filter on SQLite and
    PostgreSQL (JSON containment is not), so the queue filters 100,000 clues in the database."""
    return "|" + "|".join(tags or ()) + "|" if tags else ""


def record_types(records) -> str:
    """The evidence's source types the same way (`|dibao|victim|`), for the queue's 名册 filter."""
    types = sorted({r.get("source_type", "") for r in records or () if r.get("source_type")})
    return tag_text(types)


class Clue(models.Model):
    """One finding of one rule about one person through one triggering record."""

    key = models.CharField(
        "线索键", max_length=255, unique=True, help_text="规则 + 人员 + 触发记录，重复筛查时据此更新"
    )
    rule = models.CharField("规则", max_length=32, db_index=True)
    rule_name = models.CharField("规则名称", max_length=64, blank=True)
    rule_version = models.CharField("规则版本", max_length=64)
    person_key = models.CharField("人员键", max_length=32, db_index=True)
    person_name = models.CharField("姓名", max_length=64)
    person_id_number = models.CharField("身份证号", max_length=18, blank=True)
    priority = models.PositiveSmallIntegerField("优先级", default=0, help_text="0–100，越大越优先")
    tags = models.JSONField("标签", default=list, blank=True)
    target_unit = models.CharField("承办单位", max_length=32, help_text="单位代码，如 procuratorate")
    suggested_help = models.TextField("建议帮扶", blank=True)
    reason = models.TextField("线索理由")
    records = models.JSONField("证据记录", default=list, blank=True,
                               help_text="[{record_id, source_type, file, sheet, row}]")
    facts = models.JSONField("事实", default=dict, blank=True)
    state = models.CharField("状态", max_length=16, choices=ClueState.choices, default=ClueState.NEW,
                             db_index=True)
    facts_current = models.BooleanField("事实仍成立", default=True,
                                        help_text="最近一次筛查是否仍发现该线索")
    as_of = models.DateField("数据基准日")
    first_seen = models.DateTimeField("首次发现")
    last_seen = models.DateTimeField("最近发现")
    lapsed_at = models.DateTimeField("事实消失时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    tag_text = models.CharField("标签（检索用）", max_length=200, blank=True, editable=False)
    record_types = models.CharField("证据来源类型（检索用）", max_length=300, blank=True, editable=False)
    township = models.CharField("乡镇", max_length=30, blank=True, editable=False,
                                help_text="取自事实中的乡镇，供队列筛选（JSON 内的值无法走索引）")
    source = models.CharField("来源", max_length=16, choices=ClueSource.choices, default=ClueSource.SCREENING)
    second_unit = models.CharField("共同承办单位", max_length=32, blank=True,
                                   help_text="规则的第二承办单位（如 FP-01 的检察院），也办理该线索")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="录入人")
    contact = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    # A partner unit's answer (api.md): open for its unit until answered, within the answer limit.
    answer_due = models.DateField("答复期限", null=True, blank=True)
    overdue_at = models.DateTimeField("超期提醒时间", null=True, blank=True)
    unit_outcome = models.CharField("单位答复", max_length=20, choices=UnitOutcome.choices, blank=True)
    unit_note = models.TextField("答复说明", blank=True)
    answered_unit = models.CharField("答复单位", max_length=32, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="答复人")

    class Meta:
        verbose_name = "线索"
        verbose_name_plural = "线索"
        ordering = ["-priority", "id"]
        indexes = [
            models.Index(fields=["state", "-priority"], name="clue_state_priority"),
            models.Index(fields=["target_unit", "state", "-priority"], name="clue_unit_state_priority"),
            models.Index(fields=["second_unit", "state", "-priority"], name="clue_second_state_priority"),
            models.Index(fields=["person_id_number"], name="clue_id_number"),
            models.Index(fields=["person_name"], name="clue_person_name"),
            models.Index(fields=["answer_due", "unit_outcome"], name="clue_answer_due"),
            # the queue's sort orders, read in order and paged without sorting the whole queue
            models.Index(fields=["-priority", "id", "state"], name="clue_priority_order"),
            models.Index(fields=["target_unit", "-priority", "id"], name="clue_unit_priority_order"),
            models.Index(fields=["-first_seen", "-id"], name="clue_newest_order"),
            models.Index(fields=["rule", "state", "-priority"], name="clue_rule_state"),
            models.Index(fields=["township", "state", "-priority"], name="clue_township_state"),
            # covers a handler's open queue (state, own unit, team tags): SQLite tests it without reading
            # the wide rows (10 ms instead of 270 ms for 28,000 new clues)
            models.Index(fields=["state", "target_unit", "second_unit", "tag_text", "-priority"],
                         name="clue_handler_queue"),
        ]

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.tag_text = tag_text(self.tags)
        self.record_types = record_types(self.records)
        self.township = str((self.facts or {}).get("township") or "")[:30]
        fields = kwargs.get("update_fields")
        if fields is not None and ({"tags", "records", "facts"} & set(fields)):
            kwargs["update_fields"] = {*fields, "tag_text", "record_types", "township"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.rule} {self.person_name}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def waits_for_unit(self) -> bool:
        """A partner unit still owes its answer."""
        return self.target_unit != "procuratorate" and not self.unit_outcome and self.is_open


class RuleSetting(models.Model):
    """What a data administrator changes without a release: switch a rule off, override parameters,
    or add a rule of a built-in kind (a full definition in the same form as the rule files)."""

    rule = models.CharField("规则代码", max_length=32, unique=True)
    enabled = models.BooleanField("启用", default=True)
    parameters = models.JSONField("参数覆盖", default=dict, blank=True,
                                  help_text='只写要改的参数，如 {"min_unpaid_fen": 100000}')
    definition = models.JSONField("新增规则定义", null=True, blank=True,
                                  help_text="仅用于新增规则：与规则文件相同结构的 JSON；内置规则留空")
    note = models.CharField("修改说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.CharField("修改人", max_length=64, blank=True)

    class Meta:
        verbose_name = "筛查规则设置"
        verbose_name_plural = "筛查规则设置"
        ordering = ["rule"]

    def __str__(self) -> str:
        return f"{self.rule}（{'启用' if self.enabled else '停用'}）"


class ScreeningRun(models.Model):
    """One `screen`: when, against which date, and what it found per rule."""

    as_of = models.DateField("数据基准日")
    engine = models.CharField("计算引擎", max_length=16, default="duckdb")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    rule_versions = models.JSONField("规则版本", default=dict, blank=True)
    counts = models.JSONField("各规则线索数", default=dict, blank=True)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    lapsed = models.PositiveIntegerField("事实消失", default=0)
    started_by = models.CharField("执行人", max_length=64, blank=True)
    # The screening state this run left in the warehouse (engine screening/scope.py): the next run may screen
    # only what changed when the warehouse still holds this one.
    state_token = models.CharField("筛查状态", max_length=32, blank=True, default="")
    scoped_people = models.PositiveIntegerField("限定范围人数", null=True, blank=True)  # None: a full run

    class Meta:
        verbose_name = "筛查批次"
        verbose_name_plural = "筛查批次"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"筛查 {self.as_of}"
