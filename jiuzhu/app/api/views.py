"""接口令牌: the data administrator makes, lists and revokes partner units' API tokens (as `jiuzhu tokens`)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.listing import page_of, query_without
from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.api import tokens
from jiuzhu.app.api.models import ApiToken


class TokenForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.filter(active=True), label="单位", empty_label=None)
    name = forms.CharField(label="令牌名称", max_length=100, help_text="如：民政低保系统（用于审计记录和吊销）")
    expires = forms.DateField(label="有效期至", required=False, help_text="YYYY-MM-DD，含当天；空为长期有效",
                              widget=forms.DateInput(attrs={"type": "date"}))


@allow("tokens")
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    shown = None
    if request.method == "POST" and form.is_valid():
        expires: date | None = form.cleaned_data["expires"]
        try:
            token, shown = tokens.create(form.cleaned_data["unit"].code, form.cleaned_data["name"], expires=expires,
                                         who=request)
        except tokens.TokenError as err:
            messages.error(request, err.zh)
        else:
            messages.success(
                request, f"已为{token.unit.name}新建令牌“{token.name}”。令牌只显示这一次，请复制后交给对方系统。"
            )
            form = TokenForm()
    page = page_of(request, ApiToken.objects.select_related("unit").order_by("id"))
    rows = [(t, tokens.state(t)) for t in page.object_list]
    audit.record(request, "view", object_type="api.apitoken",
                 detail={"what": "list", "rows": page.paginator.count, "page": page.number})
    return render(request, "api/tokens.html", {"form": form, "rows": rows, "shown": shown, "page": page,
                                               "paging": query_without(request, "page")})


@allow("tokens")
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk).first()
    if token is not None:
        tokens.revoke(token.name, who=request)
        messages.success(request, f"已吊销令牌“{token.name}”")
    return redirect("api_tokens:list")
