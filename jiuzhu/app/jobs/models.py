"""One background job: an import of a stored upload, or a screening run. The worker claims queued jobs."""

from __future__ import annotations

from django.db import models


class JobKind(models.TextChoices):
    IMPORT = "import", "导入名单"
    SCREEN = "screen", "线索筛查"


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    kind = models.CharField("类型", max_length=10, choices=JobKind.choices)
    state = models.CharField("状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED,
                             db_index=True)
    payload = models.JSONField("参数", default=dict, blank=True)  # ids only, never personal data
    result = models.JSONField("结果", default=dict, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    submitted_by = models.CharField("提交人", max_length=150, blank=True)
    worker = models.CharField("执行进程", max_length=100, blank=True)  # host:pid while running
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.get_state_display()}"

    @property
    def pending(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)
