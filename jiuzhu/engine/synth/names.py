"""Chinese names as Fujian registries hold them: surnames, given names, typos, masks."""

from __future__ import annotations

import numpy as np

# Approximate shares (%) of surnames in Fujian (province surname surveys; 陈 and 林 lead).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("陈", 11.2), ("林", 8.5), ("黄", 5.9), ("张", 4.2), ("李", 4.0), ("王", 3.6), ("吴", 3.3),
    ("刘", 2.7), ("郑", 2.2), ("蔡", 2.1), ("杨", 2.0), ("许", 1.7), ("谢", 1.5), ("郭", 1.3),
    ("洪", 1.1), ("叶", 1.1), ("邱", 1.0), ("曾", 1.0), ("周", 1.0), ("苏", 1.0), ("廖", 0.9),
    ("赖", 0.9), ("徐", 0.9), ("庄", 0.8), ("江", 0.8), ("罗", 0.8), ("吕", 0.6), ("何", 0.6),
    ("高", 0.6), ("卢", 0.6), ("朱", 0.6), ("潘", 0.5), ("钟", 0.5), ("肖", 0.5), ("余", 0.5),
    ("詹", 0.4), ("柯", 0.4), ("游", 0.4), ("姚", 0.4), ("戴", 0.4), ("魏", 0.4), ("傅", 0.4),
    ("方", 0.4), ("施", 0.4), ("胡", 0.4), ("邓", 0.4), ("涂", 0.3), ("范", 0.3), ("康", 0.3),
    ("彭", 0.3), ("温", 0.3), ("翁", 0.3), ("孙", 0.3), ("饶", 0.2), ("严", 0.2), ("连", 0.2),
    ("丁", 0.2), ("童", 0.1), ("欧阳", 0.05), ("司马", 0.02),
)

MALE_CHARS = tuple("建国华明伟强志文军平荣辉林福金水兴春清忠德祥龙海涛杰斌鹏俊浩宇翔晨宏新勇永生成波坤长发进贵东义达")
FEMALE_CHARS = tuple("秀英丽华美玲珍芳红梅兰凤琴霞燕娟淑惠婷雪萍敏静莉芬娇月春桂香玉丹佳欣怡琳颖薇晶云宝")

# Given names so common that namesakes are everywhere (陈秀英, 林建华): a share of all names.
COMMON_MALE = ("建华", "志强", "国平", "文华", "建平", "志明", "建国", "伟", "强", "明")
COMMON_FEMALE = ("秀英", "秀珍", "丽华", "美玲", "淑珍", "玉兰", "桂英", "丽娟", "秀兰", "建华")
COMMON_SHARE = 0.12
SINGLE_CHAR_SHARE = 0.12

# Same pinyin (tones ignored): what a clerk types when the name was only heard.
HOMOPHONES: tuple[str, ...] = (
    "丽莉俐立", "华花桦骅", "明铭鸣", "英瑛莹", "玲琳凌龄灵", "红虹宏洪鸿", "伟玮炜", "珍贞真",
    "芳方舫", "梅枚玫", "兰岚蓝", "霞夏", "燕艳雁彦", "娟鹃涓", "惠慧蕙", "萍平苹", "敏闵民",
    "静晶菁京", "强蔷", "志智治", "建剑健坚", "文雯闻", "军君钧", "荣容蓉融", "辉晖徽", "福富芙",
    "金锦晋", "春纯", "清青", "德得", "祥翔详", "龙隆", "涛滔韬", "杰洁捷", "斌彬滨", "鹏朋蓬",
    "俊骏峻", "浩昊皓", "宇雨玉羽", "晨辰琛臣", "新欣鑫馨", "勇永涌", "成诚城承", "波博柏",
    "秀修", "凤峰锋枫", "琴勤芹", "淑舒", "婷亭庭", "雪学", "芬纷", "娇姣", "月悦跃", "桂贵",
    "香湘", "佳嘉家", "怡宜仪", "颖营", "薇微维", "云芸昀", "宝葆", "国帼", "东冬", "达答",
)
# Traditional / variant forms that survive in older systems.
VARIANTS: dict[str, str] = dict(zip(
    "陈张黄刘郑吴杨许谢叶邓苏罗钟赖华国丽伟红凤兰荣辉龙涛鹏兴强军静进贵云宝东义发达",
    "陳張黃劉鄭吳楊許謝葉鄧蘇羅鍾賴華國麗偉紅鳳蘭榮輝龍濤鵬興強軍靜進貴雲寶東義發達",
    strict=True,
))
_HOMOPHONE_OF: dict[str, str] = {}
for _group in HOMOPHONES:
    for _c in _group:
        _HOMOPHONE_OF.setdefault(_c, _group)


def surname_table() -> tuple[np.ndarray, np.ndarray]:
    names = np.array([s for s, _ in SURNAMES], dtype=object)
    weights = np.array([w for _, w in SURNAMES], dtype=float)
    return names, weights / weights.sum()


def draw_surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    names, p = surname_table()
    return names[rng.choice(len(names), size=n, p=p)]


def draw_given(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Given names (object array) for people of the given sexes."""
    n = len(male)
    out = np.empty(n, dtype=object)
    m_chars = np.array(MALE_CHARS, dtype=object)
    f_chars = np.array(FEMALE_CHARS, dtype=object)
    c1m = m_chars[rng.integers(0, len(m_chars), n)]
    c2m = m_chars[rng.integers(0, len(m_chars), n)]
    c1f = f_chars[rng.integers(0, len(f_chars), n)]
    c2f = f_chars[rng.integers(0, len(f_chars), n)]
    single = rng.random(n) < SINGLE_CHAR_SHARE
    first = np.where(male, c1m, c1f)
    second = np.where(male, c2m, c2f)
    out[:] = np.where(single, first, first + second)
    common = rng.random(n) < COMMON_SHARE
    cm = np.array(COMMON_MALE, dtype=object)[rng.integers(0, len(COMMON_MALE), n)]
    cf = np.array(COMMON_FEMALE, dtype=object)[rng.integers(0, len(COMMON_FEMALE), n)]
    out[common] = np.where(male, cm, cf)[common]
    return out


def surname_of(name: str) -> str:
    return name[:2] if name[:2] in ("欧阳", "司马") else name[:1]


def typo(rng: np.random.Generator, name: str) -> str:
    """One character swapped for a homophone or its variant form; the name always changes."""
    sur = surname_of(name)
    given = name[len(sur):]
    options: list[str] = []
    for i, c in enumerate(given):
        group = _HOMOPHONE_OF.get(c)
        if group:
            options += [sur + given[:i] + o + given[i + 1:] for o in group if o != c]
        if c in VARIANTS:
            options.append(sur + given[:i] + VARIANTS[c] + given[i + 1:])
    if sur in VARIANTS:
        options.append(VARIANTS[sur] + given)
    if not options:
        return name
    return options[int(rng.integers(0, len(options)))]


# Surnames a clerk writes for another when the name was heard, not read (same toneless pinyin; 许/徐
# are both xu), or by their older forms: 林 → 琳/霖/临/淋.
SURNAME_HOMOPHONES: tuple[str, ...] = (
    "林琳霖临淋麟", "陈晨臣沉辰", "黄皇煌璜", "张章彰", "李理里礼利", "王汪", "吴伍武午", "刘留柳流",
    "郑正政", "蔡菜采彩", "杨阳扬洋", "许徐", "谢泻", "郭国锅", "洪红宏虹", "叶页业", "邱丘秋",
    "曾增", "周州洲舟", "苏酥", "廖寥", "赖来", "庄装桩妆", "江姜疆", "罗骆洛萝", "吕旅侣",
    "何和河", "高郜糕", "卢芦炉庐", "朱珠诸猪", "潘盘攀", "钟中忠种", "肖萧晓", "余于俞鱼", "詹占",
    "柯科", "游尤油", "姚尧瑶", "戴代带", "魏卫位", "傅付符富", "方芳房", "施石师诗", "胡湖糊",
    "邓登", "涂屠途", "范樊凡", "康抗", "彭朋鹏", "温文闻", "翁嗡", "孙荪", "饶绕", "严颜言",
    "连廉莲联", "丁钉", "童同桐", "欧鸥", "司思丝",
)
_SURNAME_HOMOPHONE_OF = {c: g for g in SURNAME_HOMOPHONES for c in g}
# Characters alike in shape, misread from handwriting (a sample of the well-known pairs).
SHAPE_ALIKE: tuple[str, ...] = (
    "己已巳", "未末", "土士", "天夭", "日曰", "王玉主", "茂戊", "候侯", "峰锋", "梅海", "清请情",
    "萍苹", "华毕", "秀季", "英央", "珍诊", "玲铃", "琴芩", "丽厕", "建律", "明朋",
    "志忐", "平乎", "文义", "林材", "陈阵", "张涨", "吴吕", "杨扬", "春泰", "金全", "水永",
)
_SHAPE_OF = {c: g for g in SHAPE_ALIKE for c in g if len(set(g)) > 1}
# Common characters of names: what an unrelated slip of the keyboard (a wrong candidate picked in the
# input method) puts in a name's place.
_ANY = MALE_CHARS + FEMALE_CHARS + tuple(s for s, _ in SURNAMES if len(s) == 1)


def typo_wide(rng: np.random.Generator, name: str) -> str:
    """One character changed, the surname included (ID-poor option): a homophone or variant of a given
    name's character (:func:`typo`), a homophone of the surname (林 → 琳), a character alike in shape,
    or an unrelated character. The name always changes when it can."""
    sur = surname_of(name)
    kind = rng.random()
    if kind < 0.4:
        out = typo(rng, name)
    elif kind < 0.65 and len(sur) == 1 and sur in _SURNAME_HOMOPHONE_OF:
        out = str(rng.choice([c for c in _SURNAME_HOMOPHONE_OF[sur] if c != sur])) + name[1:]
    elif kind < 0.8:
        spots = [i for i, c in enumerate(name) if c in _SHAPE_OF]
        if spots:
            i = spots[int(rng.integers(0, len(spots)))]
            out = name[:i] + str(rng.choice([c for c in _SHAPE_OF[name[i]] if c != name[i]])) + name[i + 1:]
        else:
            out = typo(rng, name)
    else:
        i = int(rng.integers(0, len(name)))
        out = name[:i] + str(rng.choice([c for c in _ANY if c != name[i]])) + name[i + 1:]
    return out if out != name else typo(rng, name)


def mask(rng: np.random.Generator, name: str) -> str:
    """Court-style masking: 卢某某 or 郑**."""
    sur = surname_of(name)
    filler = "某" if rng.random() < 0.6 else "*"
    return sur + filler * max(1, len(name) - len(sur))
