"""API tokens of partner units (api.md): stored only as a hash, may expire, revocable; and the batches
pushed through the API (their batch id is known before the import runs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="api_tokens", verbose_name="单位")
    name = models.CharField("名称", max_length=100, unique=True)
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True)  # sha256 hex; the token is never kept
    # The unit's API identity: a 协作单位联络员 without a password, so a token sees what a liaison sees.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name="接口身份")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.CharField("创建人", max_length=150, blank=True)
    expires = models.DateField("有效期至", null=True, blank=True, help_text="这一天过后失效；空为长期有效")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ApiBatch(models.Model):
    """A file pushed by ``POST /api/v1/batches``: its batch id (unit + type + SHA-256, as intake makes it)
    and the queued import that carries it."""

    batch_id = models.CharField("批次号", max_length=40, db_index=True)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    token = models.ForeignKey(ApiToken, null=True, on_delete=models.SET_NULL, related_name="batches")
    upload = models.ForeignKey("referrals.RegistryUpload", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "接口提交的批次"
        verbose_name_plural = "接口提交的批次"
        ordering = ["id"]
