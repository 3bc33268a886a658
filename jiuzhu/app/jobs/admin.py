from django.contrib import admin, messages

from jiuzhu.app.jobs.heartbeat import check_worker
from jiuzhu.app.jobs.models import Job, JobState


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs carry ids and counts only; the worker alone changes them."""

    list_display = (
        "id",
        "kind",
        "state",
        "submitted_by",
        "created_at",
        "started_at",
        "finished_at",
        "worker",
        "message",
    )
    list_filter = ("kind", "state")

    def changelist_view(self, request, extra_context=None):
        """The queue and the last runs are the list; above it, whether the worker is alive (heartbeat.py)."""
        beat = check_worker()
        queued = Job.objects.filter(state=JobState.QUEUED).count()
        running = Job.objects.filter(state=JobState.RUNNING).count()
        counts = f"排队 {queued} 个，进行中 {running} 个"
        if beat["ok"]:
            messages.info(
                request, f"后台任务进程正常（{beat['age_seconds']:.0f} 秒前有心跳，进程 {beat['pid']}）；{counts}"
            )
        else:
            messages.warning(request, f"后台任务进程没有运行：排队的导入和筛查不会执行，请检查 jiuzhu worker；{counts}")
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
