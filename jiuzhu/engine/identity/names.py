"""姓名: normalise, recognise masked names, split the surname, pinyin keys for linkage.

Registries spell the same person differently: full-width letters, stray spaces, traditional
forms (榮/荣), variant characters (囯/国), and judgments mask names (卢某某, 郑**). These helpers
give linkage comparable forms; none of them decides that two names are the same person.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"

# The middle dot of minority and foreign names is typed many ways.
_DOTS = str.maketrans({c: "·" for c in "・•‧∙⋅●．.﹒･"})
_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")  # zero-width marks pasted from web pages
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

# Mask characters: 某 (judgments), stars, crosses, circles and Latin X (only next to Han script).
_MASK_LOOSE = "某"
_MASK_EXACT = "*×✕╳xX○◯?"
_MASKS = _MASK_LOOSE + _MASK_EXACT

# Common 异体字 that trad → simp does not cover, folded for matching only (never stored).
_VARIANTS = {
    "囯": "国", "峯": "峰", "羣": "群", "裡": "里", "綫": "线", "凖": "准", "淸": "清", "靑": "青",
    "眞": "真", "吿": "告", "戶": "户", "爲": "为", "髙": "高", "﨑": "崎", "昇": "升", "甦": "苏",
    "菓": "果", "秊": "年", "衞": "卫", "姸": "妍", "緖": "绪", "敎": "教", "旣": "既", "珎": "珍",
    "玅": "妙", "亙": "亘", "廹": "迫", "覩": "睹", "蔴": "麻", "荘": "庄", "躰": "体", "隂": "阴",
    "嵗": "岁", "堃": "坤", "喆": "哲", "兊": "兑", "翺": "翱", "粧": "妆", "竪": "竖", "墻": "墙",
    "乹": "乾", "沖": "冲", "涼": "凉", "況": "况", "呌": "叫", "仝": "同", "兪": "俞", "舘": "馆",
}  # fmt: skip

_VARIANT_ORDS = {ord(k): v for k, v in _VARIANTS.items()}

# Two-character surnames (复姓). A three-or-more-character name starting with one has it.
_COMPOUND = """欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳
    公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙
    壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉
    公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长
    子书 子桑 即墨 达奚 褚师 单于 呼衍 完颜 纳兰"""
COMPOUND_SURNAMES = frozenset(_COMPOUND.split())

# Surnames pypinyin reads with the common-word sound. Toneless.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    k: tuple(v.split())
    for k, v in {
        "曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "区": "ou", "查": "zha", "朴": "piao",
        "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "翟": "zhai", "召": "shao", "种": "chong",
        "秘": "bi", "繁": "po", "员": "yun", "冼": "xian", "洗": "xian", "祭": "zhai", "谌": "chen",
        "逄": "pang", "阚": "kan", "隗": "wei", "訾": "zi", "尉": "wei", "亓": "qi", "乘": "sheng",
        "莘": "shen", "恽": "yun", "燕": "yan", "薄": "bo", "柏": "bai", "牟": "mou", "句": "gou",
        "粘": "nian", "都": "du", "能": "nai", "厍": "she", "折": "she", "乜": "nie", "过": "guo",
        "重": "chong", "华": "hua", "任": "ren", "朝": "chao", "贲": "ben", "黑": "he", "藏": "zang",
        "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "单于": "chan yu", "澹台": "tan tai",
        "令狐": "ling hu", "皇甫": "huang fu", "乐正": "yue zheng", "东方": "dong fang",
    }.items()
}  # fmt: skip


@cache
def _trad_simp() -> dict[str, str]:
    with (_DATA / "trad_simp.csv").open(encoding="utf-8", newline="") as f:
        return {row["traditional"]: row["simplified"] for row in csv.DictReader(f)}


@cache
def shape_alike_pairs() -> tuple[tuple[str, str], ...]:
    """Pairs of characters alike in shape (形近字: 己/已, 王/玉, 林/材), each pair both ways: the table
    ``data/shape_alike.csv`` made by ``data/build_tables.py`` from stroke-order and four-corner data."""
    with (_DATA / "shape_alike.csv").open(encoding="utf-8", newline="") as f:
        pairs = [(row["a"], row["b"]) for row in csv.DictReader(f)]
    return tuple(pairs + [(b, a) for a, b in pairs])


@cache
def _trad_simp_ords() -> dict[int, str]:
    # Only single characters can match when converting a character at a time.
    return {ord(k): v for k, v in _trad_simp().items() if len(k) == 1}


def to_simplified(text: str) -> str:
    """Character-by-character traditional → simplified (names have no phrases to convert)."""
    return text.translate(_trad_simp_ords())


# Text of CJK Unified Ideographs only: NFKC, the space and dot rules and upper() leave it as it is,
# so only traditional → simplified applies. Most names are such text (linkage reads ~10⁵ per county).
_PLAIN_HAN = re.compile(r"[\u4e00-\u9fff]+")


def is_plain_han(text: str) -> bool:
    """Whether ``text`` is CJK Unified Ideographs only: then :func:`normalise_name` is
    :func:`to_simplified` alone, and the only mask character it can hold is 某."""
    return _PLAIN_HAN.fullmatch(text) is not None


def normalise_name(name: object) -> str:
    """The stored form: full-width → half-width, no spaces inside Han names, one middle dot,
    traditional → simplified. ``"  張 三 "`` → ``"张三"``; ``"ＪＯＨＮ  smith"`` → ``"JOHN SMITH"``."""
    if name is None:
        return ""
    if type(name) is str and _PLAIN_HAN.fullmatch(name):
        return to_simplified(name)
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(name)))
    text = _SPACES.sub(" ", text).strip()
    if _CJK.search(text):
        text = text.translate(_DOTS)  # a Latin name keeps its full stops (J. SMITH)
        # Han names never contain spaces; Latin parts of a mixed name keep one.
        text = re.sub(r"(?<=[^A-Za-z]) | (?=[^A-Za-z])", "", text)
    text = re.sub(r"\s*·\s*", "·", text)
    return to_simplified(text).upper()


def _has_han(text: str) -> bool:
    return bool(_CJK.search(text))


_MASK_CHAR = re.compile("[某*×✕╳○◯?]")
_LATIN_X_MASK = re.compile(r"(?<=[\u3400-\u9fff])[xX]+(?=[\u3400-\u9fff]|$)")


def is_masked(name: object) -> bool:
    """True for names a source has masked: 卢某某, 卢某, 郑**, 陈×, 王XX, 李○○, 某某."""
    text = normalise_name(name)
    if not text:
        return False
    if _MASK_CHAR.search(text):
        return True
    # Latin X masks only count next to Han characters (王XX), not in a foreign name (ALEX).
    return _has_han(text) and bool(_LATIN_X_MASK.search(text))


def _visible_prefix(text: str) -> str:
    for i, c in enumerate(text):
        if c in _MASKS:
            return text[:i]
    return text


def masked_compatible(masked: object, full: object) -> bool:
    """Could the masked name ``masked`` stand for the full name ``full``?

    The visible characters must agree at their places. ``某`` masks hide one to three
    characters whatever the real length (卢某某 may be 卢明), so only the prefix and any visible
    ending are compared; the other masks (``*``, ``×``, ``X``, ``○``) hide exactly one character
    each, so lengths must be equal. A mask with nothing visible (某某, ***) is compatible with
    nothing: it is no evidence. Two unmasked names are compatible when equal after folding.
    """
    m, f = fold_variants(masked), fold_variants(full)
    if not m or not f or is_masked(f):
        return False
    if not is_masked(m):
        return m == f
    if not _visible_prefix(m):
        return False
    if _MASK_LOOSE in m:
        head = _visible_prefix(m)
        tail = m[len(head) :].lstrip(_MASKS)
        hidden = len(f) - len(head) - len(tail)
        return f.startswith(head) and f.endswith(tail) and 1 <= hidden <= 3
    return len(m) == len(f) and all(a == b or a in _MASKS for a, b in zip(m, f, strict=True))


def surname(name: object) -> str:
    """姓: ``欧阳娜娜`` → ``欧阳``, ``曾国藩`` → ``曾``, ``卢某某`` → ``卢``.

    Two-character names always have a one-character surname (欧阳 alone is 欧 + 阳). Names
    with a middle dot (阿不都·热合曼) or without Han characters have no Han surname: ``""``.
    """
    text = normalise_name(name)
    if not text or "·" in text or not _has_han(text[0]):
        return ""
    head = _visible_prefix(text)
    if text[:2] in COMPOUND_SURNAMES and len(text) >= 3:
        return text[:2]
    return text[:1] if head else ""


def _syllables(text: str) -> list[str]:
    # here, not at the top: pypinyin's dictionaries take ≈ 0.5 s to load (a run whose linkage is kept reads no sound)
    from pypinyin import Style, lazy_pinyin

    out: list[str] = []
    for part in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: re.findall(r"[A-Za-z0-9]+", s)):
        part = part.lower()
        if part.isascii() and part.isalnum():
            out.append(part)
    return out


def pinyin_syllables(name: object) -> list[str]:
    """Toneless syllables, surname read with the surname table: ``曾国藩`` → ``[zeng, guo, fan]``.
    Mask characters are dropped (``卢某某`` → ``[lu]``)."""
    text = normalise_name(name)
    if not text:
        return []
    if is_masked(text):
        text = "".join(c for c in text if c not in _MASKS)
    sur = surname(text)
    head = list(SURNAME_READINGS.get(sur) or _syllables(sur))
    return head + _syllables(text[len(sur) :].replace("·", ""))


def pinyin_key(name: object) -> str:
    """Space-separated toneless pinyin: ``单雄信`` → ``"shan xiong xin"``, ``吕布`` → ``"lv bu"``."""
    return " ".join(pinyin_syllables(name))


def fold_variants(name: object) -> str:
    """A matching form: :func:`normalise_name` then 异体字 folded (囯 → 国, 榮 → 荣, 堃 → 坤).
    For comparisons only; keep the normalised name for display."""
    return fold_normalised(normalise_name(name))


def fold_normalised(norm: str) -> str:
    """:func:`fold_variants` of text :func:`normalise_name` already gave: the 异体字 fold alone."""
    return norm.translate(_VARIANT_ORDS)


def one_char_different(a: object, b: object) -> bool:
    """Same length and exactly one character differs, after folding variants (王晓明/王小明).
    Equal names are not one character different."""
    x, y = fold_variants(a), fold_variants(b)
    return len(x) == len(y) > 0 and sum(p != q for p, q in zip(x, y, strict=True)) == 1
