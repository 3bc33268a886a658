"""A registry file a unit uploads through intake, with its progress and results (for the status page)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UploadState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    HELD = "held", "待确认"  # imported, but far smaller than the current snapshot: the data administrator confirms
    FAILED = "failed", "失败"


class RegistryUpload(models.Model):
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="uploads", verbose_name="单位")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="上传人")
    file_name = models.CharField("文件名", max_length=255)
    path = models.CharField("保存位置", max_length=500)
    source = models.CharField("数据类型", max_length=30, blank=True)
    as_of = models.DateField("数据截止日期", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=UploadState.choices, default=UploadState.QUEUED)
    progress = models.CharField("进度", max_length=300, blank=True)
    results = models.JSONField("导入结果", default=list, blank=True)
    submitted_by = models.CharField("提交人", max_length=150, blank=True)  # user name, or the API token's name
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name="导入任务")
    screen_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="导入后的筛查")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "名单上传"
        verbose_name_plural = "名单上传"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def running(self) -> bool:
        return self.state in (UploadState.QUEUED, UploadState.RUNNING)
