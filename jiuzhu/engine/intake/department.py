"""``--department``: a unit code (``civil_affairs``) or its Chinese name (``民政局``, ``大田县民政局``)."""

from __future__ import annotations

from jiuzhu.engine.units import UNIT_KINDS

_SHORT = {"民政": "civil_affairs", "残联": "disability_federation", "乡村振兴": "rural_revitalization",
          "人社": "human_resources", "人力资源和社会保障局": "human_resources", "教育": "education",
          "妇联": "womens_federation", "退役军人": "veterans_affairs", "司法": "justice_bureau",
          "医保": "medical_insurance", "法院": "court", "公安": "public_security", "检察院": "procuratorate",
          "检察": "procuratorate", "监狱": "justice_bureau", "派出所": "public_security"}


def resolve_unit(text: str) -> str:
    """The unit code, or ``ValueError`` with a Chinese message listing the accepted names."""
    value = "".join(text.split())
    codes = {u.code for u in UNIT_KINDS}
    if value.lower() in codes:
        return value.lower()
    for u in UNIT_KINDS:
        if value == u.name or value.endswith(u.name):
            return u.code
    for short, code in _SHORT.items():
        if short in value:
            return code
    names = "、".join(f"{u.name}({u.code})" for u in UNIT_KINDS)
    raise ValueError(f"不认识的单位“{text}”。可用：{names}")
