"""The unit exchange API of api.md: `/api/v1/`, a partner system's token instead of a person's login.

A token stands for its unit's API identity (a liaison without a password, ``tokens.service_user``), so
every scope rule of the pages applies unchanged. Every call — refused ones included — is one audit entry
naming the unit, the token and the path; a unit making more than ``JIUZHU_API_CALLS_PER_MINUTE`` calls in
a minute gets 429 (counted from those entries, so every server process sees the same count).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Path, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.renderers import JSONRenderer
from ninja.responses import Status
from ninja.security import HttpBearer

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.api import tokens
from jiuzhu.app.api.models import ApiBatch, ApiToken
from jiuzhu.app.api.referrals import AnswerIn, ReferralOut, ReturnIn, referral_out
from jiuzhu.app.clues import export as clue_export
from jiuzhu.app.clues.access import unit_clues
from jiuzhu.app.clues.services import ClueError, conclude_clue
from jiuzhu.app.config import dates
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.services import flow
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.upload import store_file, submit_import
from jiuzhu.app.registries.services import UploadRefused, check_upload
from jiuzhu.engine.api import REJECTION_CSV_HEADER, batch_rejection_rows, file_batch_id, warehouse_batch

MAX_LIMIT = 5000
MAX_ID = 2**31 - 1  # a larger number names nothing (and overflows some databases' integers)
Limit = Query(500, ge=0, le=MAX_LIMIT, description=f"每页条数，最多{MAX_LIMIT}")
Offset = Query(0, ge=0, le=MAX_ID, description="跳过的条数")


class ApiError(Exception):
    """An answer of api.md's error shape: ``{"error": code, "message": "中文 / English"}``."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(zh)
        self.status, self.code, self.message = status, code, f"{zh} / {en}"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.check(token)
        if found is None:
            return None
        _refuse_nul(request)
        request.user = found.user  # the unit's liaison identity: the pages' scope rules apply
        request.api_token = found
        now = timezone.now()
        limit = settings.JIUZHU_API_CALLS_PER_MINUTE
        # the calls themselves: not what they change (the change log writes entries for the same user)
        recent = AuditEvent.objects.filter(user=found.user, object_type="api.apitoken", detail__via="api",
                                           at__gte=now - timedelta(minutes=1)).count()
        audit.record(request, "view" if request.method == "GET" else "update", found,
                     detail={"via": "api", "unit": found.unit.code, "token": found.name, "method": request.method,
                             "path": request.path, "throttled": recent >= limit})
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        if recent >= limit:
            raise ApiError(429, "too_many_calls", f"调用太频繁：每分钟最多{limit}次，请稍后再试",
                           f"too many calls: at most {limit} a minute, try again later")
        return found


class Utf8Json(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese messages readable as they are


def _refuse_nul(request: HttpRequest) -> None:
    """A NUL character is no text any field takes, and PostgreSQL refuses to store it (even in the audit
    entry naming the path): 400 before anything is written."""
    texts = [request.path, *request.GET.values()]
    if request.content_type == "multipart/form-data":
        texts += [*request.POST.values(), *(f.name or "" for f in request.FILES.values())]
    elif b"\\u0000" in request.body or b"\x00" in request.body:
        texts.append("\x00")
    if any("\x00" in t for t in texts):
        raise ApiError(400, "bad_request", "请求中含有空字符（\\0）", "the request holds a NUL character")


api = NinjaAPI(
    title="救助 数据交换接口 v1",
    version="v1",
    urls_namespace="api_v1",
    auth=TokenAuth(),
    renderer=Utf8Json(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    description="协作单位系统用单位令牌（Authorization: Bearer …）推送名单、查看导入结果、接收线索并反馈、"
    "签收和答复移送。契约见 api.md；使用说明见 docs/api.md。",
)


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, {"error": code, "message": message}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    audit.record(None, "denied", object_type="api.apitoken",
                 detail={"via": "api", "path": request.path.replace("\x00", "")})
    return _error(
        request,
        401,
        "unauthorized",
        "令牌缺失、无效、已吊销或已过期 / the token is missing, invalid, revoked or expired",
    )


@api.exception_handler(ValidationError)
def _bad_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or str(e.get("loc", ("",))[0])
                     for e in exc.errors})
    return _error(request, 400, "bad_request", f"请求参数不对：{'、'.join(fields)} / bad input: {', '.join(fields)}")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", "没有找到 / not found")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
             413: "too_large", 429: "too_many_calls"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


class ErrorOut(Schema):
    error: str
    message: str


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 429: ErrorOut}


def _page(qs: Any, limit: int, offset: int) -> tuple[int, list]:
    if limit < 0 or offset < 0 or limit > MAX_LIMIT:
        raise ApiError(400, "bad_request", f"limit 应为 0–{MAX_LIMIT}，offset 不能为负",
                       f"limit must be 0–{MAX_LIMIT} and offset not negative")
    return qs.count(), list(qs[offset:offset + limit])


def unit_of(request: HttpRequest):
    return request.api_token.unit  # type: ignore[attr-defined]


# ------------------------------------------------------------------ batches

batches = Router(tags=["名单批次"])


class BatchQueued(Schema):
    batch_id: str
    state: str


class BatchOut(Schema):
    batch_id: str
    unit: str
    source: str
    as_of: date | None
    file: str
    state: str
    records: int
    rejected: int
    flagged: int
    message: str
    pseudonymised: bool  # the file came from `jiuzhu pseudonymize` (docs/privacy.md)


def _refuse_upload(unit, source: str, as_of: date, size: int) -> None:
    """The checks of the upload page (registries.check_upload), answered as API errors."""
    try:
        check_upload(unit, source, as_of, size=size)
    except UploadRefused as err:
        raise ApiError(err.status, err.code, err.zh, err.en) from None


def _as_of(text: str | None) -> date:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        raise ApiError(400, "bad_date", f"as_of 应为 YYYY-MM-DD 格式的日期：{text or '（空）'}",
                       f"as_of must be a YYYY-MM-DD date: {text!r}") from None
    return day


@batches.post("", response={202: BatchQueued, **ERRORS}, summary="推送名单文件（后台导入）")
def push_batch(request: HttpRequest, file: UploadedFile | None = File(None), source: str | None = Form(None),
               as_of: str | None = Form(None)):
    if getattr(request, "upload_too_large", False):
        raise ApiError(413, "too_large", f"文件超过{settings.JIUZHU_UPLOAD_MAX_MB}MB",
                       f"the file is over {settings.JIUZHU_UPLOAD_MAX_MB} MB")
    missing = [n for n, v in (("file", file), ("source", source), ("as_of", as_of)) if not v]
    if missing:
        raise ApiError(400, "bad_request", f"缺少字段：{'、'.join(missing)}", f"missing field(s): {', '.join(missing)}")
    day = _as_of(as_of)
    unit = unit_of(request)
    _refuse_upload(unit, source, day, file.size or 0)
    path = store_file(file)
    token = request.api_token  # type: ignore[attr-defined]
    upload = submit_import(path, source, day, unit, f"token:{token.name}", who=request)
    bid = file_batch_id(unit.code, source, path)
    ApiBatch.objects.create(batch_id=bid, unit=unit, token=token, upload=upload)
    return Status(202, {"batch_id": bid, "state": "queued"})


def unit_has_batch(user, bid: str) -> bool:
    """The policy's check of "api.batch" (accounts/policy.py): a batch the user's unit pushed."""
    profile = getattr(user, "profile", None)
    return profile is not None and ApiBatch.objects.filter(batch_id=bid, unit=profile.unit_id).exists()


def _batch_of_unit(request: HttpRequest, bid: str) -> tuple[ApiBatch | None, dict | None]:
    unit = unit_of(request)
    pushed = ApiBatch.objects.filter(batch_id=bid, unit=unit).select_related("upload").order_by("-id").first()
    stored = warehouse_batch(bid) if len(bid) < 40 else None
    if stored is not None and stored["unit"] != unit.code:
        stored = None
    if pushed is None and stored is None:
        raise Http404
    return pushed, stored


@batches.get("/{batch_id}", response={200: BatchOut, **ERRORS}, summary="一个批次的导入状态")
def get_batch(request: HttpRequest, batch_id: str):
    pushed, stored = _batch_of_unit(request, batch_id)
    result: dict = {}
    state, message = "imported", ""
    if pushed is not None:
        upload = pushed.upload
        result = next((r for r in upload.results if r.get("batch_id") == batch_id), None) or (
            upload.results[0] if upload.results else {})
        message = result.get("message_zh") or upload.progress
        if upload.state in ("queued", "running", "failed"):
            state = upload.state
        elif result.get("status") in ("unchanged", "held", "failed"):
            state = result["status"]
    if stored is not None and state not in ("queued", "running", "failed", "unchanged"):
        state = stored.get("state") or "imported"
    return {
        "batch_id": batch_id, "unit": unit_of(request).code,
        "source": (stored or {}).get("source_type") or (pushed.upload.source if pushed else ""),
        "as_of": (stored or {}).get("as_of") or (pushed.upload.as_of if pushed else None),
        "file": (stored or {}).get("file_name") or (pushed.upload.file_name if pushed else ""),
        "state": state,
        "records": (stored or {}).get("rows_taken") or result.get("rows_taken") or 0,
        "rejected": (stored or {}).get("rows_rejected") or result.get("rows_rejected") or 0,
        "flagged": (stored or {}).get("rows_flagged") or result.get("rows_flagged") or 0,
        "message": message or "",
        "pseudonymised": bool((stored or {}).get("pseudonymised")),
    }


@batches.get("/{batch_id}/rejections", response={200: str, **ERRORS}, summary="批次的问题行（CSV）",
             openapi_extra={"responses": {200: {"description": "CSV: file,sheet,row,column,value,reason",
                                                "content": {"text/csv": {"schema": {"type": "string"}}}}}})
def batch_rejections(request: HttpRequest, batch_id: str):
    _pushed, stored = _batch_of_unit(request, batch_id)
    rows = batch_rejection_rows(batch_id) if stored is not None else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REJECTION_CSV_HEADER)  # as `jiuzhu batches --rejections` writes it, byte for byte
    writer.writerows(r[:6] for r in rows)
    return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")


# ------------------------------------------------------------------ clues

clues = Router(tags=["线索"])


class ClueOut(Schema):
    clue_id: int
    rule: str
    person_name: str
    person_id_number: str
    priority: int
    tags: list[str]
    reason: str
    state: str
    records: list[str]
    target_unit: str
    unit_outcome: str
    answer_due: date | None


class ClueList(Schema):
    count: int
    items: list[ClueOut]


class ConclusionIn(Schema):
    outcome: str
    note: str = ""


def _clue_out(clue) -> dict:
    exported = clue_export.row(clue)  # the clue export's values, so the API and the export agree
    return {"clue_id": clue.pk, "rule": clue.rule, "person_name": clue.person_name,
            "person_id_number": clue.person_id_number, "priority": clue.priority, "tags": list(clue.tags or ()),
            "reason": clue.reason, "state": clue.state, "records": [r for r in str(exported[8]).split(";") if r],
            "target_unit": clue.target_unit, "unit_outcome": getattr(clue, "unit_outcome", ""),
            "answer_due": getattr(clue, "answer_due", None)}


@clues.get("", response={200: ClueList, **ERRORS}, summary="本单位的线索")
def list_clues(request: HttpRequest, state: str = "", limit: int = Limit, offset: int = Offset):
    qs = unit_clues(unit_of(request)).order_by("id")
    if state:
        qs = qs.filter(state=state)
    count, items = _page(qs, limit, offset)
    return {"count": count, "items": [_clue_out(c) for c in items]}


_CLUE_STATUS = {"bad_outcome": 400, "note_required": 400, "bad_request": 400, "not_found": 404, "answered": 409,
                "closed": 409}


@clues.post("/{clue_id}/conclusion", response={200: ClueOut, **ERRORS}, summary="本单位对线索的答复")
def conclude(request: HttpRequest, body: ConclusionIn, clue_id: int = Path(..., ge=1, le=MAX_ID)):
    clue = unit_clues(unit_of(request)).filter(pk=clue_id).first()
    if clue is None:
        raise Http404
    try:
        clue = conclude_clue(clue, body.outcome, body.note, None, unit=unit_of(request), request=request)
    except ClueError as err:
        status = _CLUE_STATUS.get(err.code, 400)
        raise ApiError(status, err.code, *(str(err).split(" / ", 1) + [""])[:2]) from None
    return _clue_out(clue)


# ------------------------------------------------------------------ referrals

referrals = Router(tags=["协作移送"])


class ReferralPage(Schema):
    count: int
    items: list[ReferralOut]


def _referral(request: HttpRequest, referral_id: int):
    r = (
        referral_access.referrals_for(request.user)
        .select_related("from_unit", "to_unit")
        .filter(pk=referral_id)
        .first()
    )
    if r is None:
        raise Http404
    return r


def _step(request: HttpRequest, referral_id: int, step) -> dict:
    r = _referral(request, referral_id)
    try:
        r = step(r)
    except ReferralError as err:
        raise ApiError(409, "refused", str(err), "the step is not allowed now") from None
    return referral_out(r, dates.today())


@referrals.get("", response={200: ReferralPage, **ERRORS}, summary="本单位发出和收到的移送")
def list_referrals(request: HttpRequest, direction: str = Query("", description="in（收到）、out（发出）或空"),
                   state: str = "", limit: int = Limit, offset: int = Offset):
    unit = unit_of(request)
    qs = referral_access.referrals_for(request.user).select_related("from_unit", "to_unit").order_by("id")
    if direction == "in":
        qs = qs.filter(to_unit=unit)
    elif direction == "out":
        qs = qs.filter(from_unit=unit)
    elif direction:
        raise ApiError(400, "bad_request", "direction 只能是 in 或 out", "direction must be in or out")
    if state:
        qs = qs.filter(state=state)
    count, items = _page(qs, limit, offset)
    today = dates.today()
    return {"count": count, "items": [referral_out(r, today) for r in items]}


@referrals.post("/{referral_id}/sign", response={200: ReferralOut, **ERRORS}, summary="签收")
def sign(request: HttpRequest, referral_id: int = Path(..., ge=1, le=MAX_ID)):
    return _step(request, referral_id, lambda r: flow.sign(request.user, r))


@referrals.post("/{referral_id}/answer", response={200: ReferralOut, **ERRORS}, summary="反馈办理结果")
def answer(request: HttpRequest, body: AnswerIn, referral_id: int = Path(..., ge=1, le=MAX_ID)):
    return _step(request, referral_id, lambda r: flow.answer(
        request.user, r, result=body.result, note=body.note, monthly_amount_fen=body.monthly_amount_fen,
        once_amount_fen=body.once_amount_fen, effective_date=body.effective_date))


@referrals.post("/{referral_id}/return", response={200: ReferralOut, **ERRORS}, summary="退回")
def give_back(request: HttpRequest, body: ReturnIn, referral_id: int = Path(..., ge=1, le=MAX_ID)):
    return _step(request, referral_id, lambda r: flow.return_referral(request.user, r, reason=body.reason))


api.add_router("/batches", batches)
api.add_router("/clues", clues)
api.add_router("/referrals", referrals)
