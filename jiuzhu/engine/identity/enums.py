"""Enumerations of the exchange spec with the variants departments write.

Each enumeration maps its canonical Chinese values to the variants accepted for them. Matching
ignores spaces, full-width/half-width and letter case. Anything else is a bad value.
Adding a variant is adding a string here.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

_GRADES = ("一", "二", "三", "四")
_KINDS = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")

ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": {
        "男": ("男性", "m", "male", "男士"),
        "女": ("女性", "f", "female", "女士"),
    },
    "yes_no": {
        "是": ("y", "yes", "true", "1", "√", "✓", "有", "对"),
        "否": ("n", "no", "false", "0", "×", "✗", "无", "不是"),
    },
    "injury": {
        "轻微伤": (),
        "轻伤": ("轻伤一级", "轻伤二级", "轻伤(一级)", "轻伤(二级)"),
        "重伤": ("重伤一级", "重伤二级", "重伤(一级)", "重伤(二级)"),
        "死亡": ("已死亡", "致死"),
    },
    "relation": {
        "户主": ("本人", "户主本人"),
        "配偶": ("妻", "妻子", "夫", "丈夫", "爱人", "之妻", "之夫"),
        "子": ("儿子", "长子", "次子", "三子", "四子", "五子", "独生子", "养子", "继子", "之子"),
        "女": ("女儿", "长女", "次女", "三女", "四女", "五女", "独生女", "养女", "继女", "之女"),
        "父亲": ("父",),
        "母亲": ("母",),
        "孙子": ("孙",),
        "孙女": (),
        "兄弟姐妹": ("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹", "兄妹", "姐弟"),
        # The remaining relations of the 户口簿 (GB/T 4761) are "其他" in the exchange spec.
        "其他": (
            "其它",
            "儿媳",
            "女婿",
            "孙媳妇",
            "孙女婿",
            "外孙子",
            "外孙",
            "外孙女",
            "祖父",
            "祖母",
            "外祖父",
            "外祖母",
            "公公",
            "婆婆",
            "岳父",
            "岳母",
            "侄子",
            "侄女",
            "外甥",
            "外甥女",
            "曾孙子",
            "曾孙女",
            "叔伯",
            "其他亲属",
            "非亲属",
        ),
    },
    "person_status": {
        "正常": ("在册", "健在"),
        "死亡": ("已死亡", "注销(死亡)", "死亡注销"),
        "失踪": ("下落不明", "失联"),
    },
    "dibao_category": {
        "城市": ("城市低保", "城镇", "城镇低保", "城市最低生活保障"),
        "农村": ("农村低保", "农村最低生活保障"),
    },
    "support_mode": {
        "集中": ("集中供养",),
        "分散": ("分散供养",),
    },
    "self_care": {
        "全自理": ("完全自理", "自理", "生活自理"),
        "半护理": ("部分自理", "半自理", "部分丧失生活自理能力"),
        "全护理": ("完全不能自理", "不能自理", "失能", "完全丧失生活自理能力"),
    },
    "disability_kind": {
        **{k: (f"{k}残疾", f"{k}残", str(i + 1)) for i, k in enumerate(_KINDS)},
        "言语": ("言语残疾", "言语残", "语言", "语言残疾", "3"),
    },
    "disability_grade": {
        f"{g}级": (
            g,
            str(i + 1),
            f"{i + 1}级",
            f"{'壹贰叁肆'[i]}级",
            f"{'ⅠⅡⅢⅣ'[i]}级",
            f"{['I', 'II', 'III', 'IV'][i]}级",
        )
        for i, g in enumerate(_GRADES)
    },
    "monitor_category": {
        "脱贫不稳定户": ("脱贫不稳定", "脱贫户(不稳定)"),
        "边缘易致贫户": ("边缘易致贫", "边缘户"),
        "突发严重困难户": ("突发严重困难", "严重困难户"),
    },
    "main_risk": {
        "因病": ("因病致贫", "因病返贫", "疾病"),
        "因残": ("因残致贫", "因残返贫", "残疾"),
        "因学": ("因学致贫", "因学返贫", "上学"),
        "因灾": ("因灾致贫", "因灾返贫", "自然灾害"),
        "因意外事故": ("意外事故", "因意外"),
        "因务工就业不稳": ("务工就业不稳", "就业不稳", "因就业不稳"),
        "其他": ("其它",),
    },
    "care_category": {
        "孤儿": ("社会散居孤儿", "散居孤儿", "集中供养孤儿"),
        "事实无人抚养儿童": ("事实无人抚养", "无人抚养儿童"),
    },
    "veteran_category": {
        "退役士兵": ("退伍士兵", "退伍军人", "复员军人", "转业军人"),
        "伤残军人": ("残疾军人", "伤残退役军人"),
        "烈属": ("烈士家属", "烈士遗属"),
        "其他": ("其它",),
    },
}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).lower()


def _lookup(enum: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, variants in enum.items():
        for v in (canonical, *variants):
            table[_key(v)] = canonical
    return table


_TABLES = {name: _lookup(e) for name, e in ENUMS.items()}


def parse_enum(kind: str, value: object) -> str:
    """The canonical Chinese value of ``value`` in enumeration ``kind``; ``ValueError`` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("值为空")
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, float | Decimal) and value == int(value):
        text = str(int(value))  # a number cell 2.0 is "2"
    else:
        text = str(value)
    found = _TABLES[kind].get(_key(text))
    if found is None:
        allowed = "、".join(ENUMS[kind])
        raise ValueError(f"“{value}”不是可接受的值（可接受：{allowed}）")
    return found


def parse_yes_no(value: object) -> bool:
    return parse_enum("yes_no", value) == "是"
