"""上传名单: a unit uploads its registry file; the page shows progress, the result and the rejection report."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.listing import section
from jiuzhu.app.accounts.models import Role
from jiuzhu.app.accounts.policy import allow, get_visible_or_404
from jiuzhu.app.referrals.forms import UploadForm
from jiuzhu.app.referrals.models import RegistryUpload
from jiuzhu.app.referrals.services.upload import SUFFIXES, save_upload
from jiuzhu.app.registries.services import UploadRefused, allowed_sources, check_upload, max_upload_bytes
from jiuzhu.engine.sources import SPECS


def _sources(request: HttpRequest) -> list[tuple[str, str]]:
    """The types this user may upload, with their Chinese names: the unit's agreement; every type for the
    data administrator (who imports on behalf of each type's usual sender)."""
    codes = list(SPECS) if request.profile.role == Role.DATA_ADMIN else allowed_sources(request.profile.unit)
    return [(code, SPECS[code].title) for code in codes]


@allow("upload")
def upload(request: HttpRequest) -> HttpResponse:
    sources = _sources(request)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        messages.error(request, f"文件超过大小上限（{max_upload_bytes() >> 20} MB），请拆分后上传")
    elif request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        unit, source, as_of = request.profile.unit, form.cleaned_data["source"], form.cleaned_data["as_of"]
        try:
            if Path(f.name).suffix.lower() not in SUFFIXES:
                raise UploadRefused("bad_file", 400, "只能上传 xlsx、xls 或 csv 文件", "only xlsx, xls or csv")
            check_upload(unit, source, as_of, size=f.size, on_behalf=request.profile.role == Role.DATA_ADMIN)
        except UploadRefused as err:
            messages.error(request, err.zh)
        else:
            made = save_upload(request.user, unit, f, source=source, as_of=as_of, who=request)
            return redirect("referrals:upload_status", pk=made.pk)
    uploads = section(request, RegistryUpload.objects.filter(unit=request.profile.unit))
    return render(request, "referrals/upload.html", {"form": form, "uploads": uploads,
                                                     "limit_mb": max_upload_bytes() >> 20})


def _own_upload(request: HttpRequest, pk: int) -> RegistryUpload:
    return get_visible_or_404(request, RegistryUpload, pk, "upload.view")


@allow("upload.view")
def upload_status(request: HttpRequest, pk: int) -> HttpResponse:
    made = _own_upload(request, pk)
    return render(request, "referrals/upload_status.html", {"u": made})


@allow("upload.view")
def rejections(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejection report of one batch of the upload (?batch=…; xlsx with ?format=xlsx)."""
    made = _own_upload(request, pk)
    batch = request.GET.get("batch", "")
    fmt = "report_xlsx" if request.GET.get("format") == "xlsx" else "report_csv"
    paths = [r.get(fmt) for r in made.results if r.get("batch_id") == batch]
    if not paths or not paths[0] or not Path(paths[0]).is_file():
        raise Http404("没有该批次的问题数据报告")
    audit.record(request, "export", made, detail={"batch": batch, "report": fmt})
    return FileResponse(open(paths[0], "rb"), as_attachment=True,
                        filename=f"问题数据-{made.file_name}-{batch}{Path(paths[0]).suffix}")
