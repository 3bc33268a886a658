"""Places of the simulated region: Fujian county codes, villages, phone area codes."""

from __future__ import annotations

import numpy as np

# Fujian county-level divisions (GB/T 2260): where migrants were born, and the counties of
# the `province` scale. 金门县 is left out (not administered).
FUJIAN_COUNTIES: tuple[tuple[str, str], ...] = (
    ("350102", "鼓楼区"), ("350103", "台江区"), ("350104", "仓山区"), ("350105", "马尾区"),
    ("350111", "晋安区"), ("350112", "长乐区"), ("350121", "闽侯县"), ("350122", "连江县"),
    ("350123", "罗源县"), ("350124", "闽清县"), ("350125", "永泰县"), ("350128", "平潭县"),
    ("350181", "福清市"), ("350203", "思明区"), ("350205", "海沧区"), ("350206", "湖里区"),
    ("350211", "集美区"), ("350212", "同安区"), ("350213", "翔安区"), ("350302", "城厢区"),
    ("350303", "涵江区"), ("350304", "荔城区"), ("350305", "秀屿区"), ("350322", "仙游县"),
    ("350404", "三元区"), ("350405", "沙县区"), ("350421", "明溪县"), ("350423", "清流县"),
    ("350424", "宁化县"), ("350425", "大田县"), ("350426", "尤溪县"), ("350428", "将乐县"),
    ("350429", "泰宁县"), ("350430", "建宁县"), ("350481", "永安市"), ("350502", "鲤城区"),
    ("350503", "丰泽区"), ("350504", "洛江区"), ("350505", "泉港区"), ("350521", "惠安县"),
    ("350524", "安溪县"), ("350525", "永春县"), ("350526", "德化县"), ("350581", "石狮市"),
    ("350582", "晋江市"), ("350583", "南安市"), ("350602", "芗城区"), ("350603", "龙文区"),
    ("350604", "龙海区"), ("350605", "长泰区"), ("350622", "云霄县"), ("350623", "漳浦县"),
    ("350624", "诏安县"), ("350626", "东山县"), ("350627", "南靖县"), ("350628", "平和县"),
    ("350629", "华安县"), ("350702", "延平区"), ("350703", "建阳区"), ("350721", "顺昌县"),
    ("350722", "浦城县"), ("350723", "光泽县"), ("350724", "松溪县"), ("350725", "政和县"),
    ("350781", "邵武市"), ("350782", "武夷山市"), ("350783", "建瓯市"), ("350802", "新罗区"),
    ("350803", "永定区"), ("350821", "长汀县"), ("350823", "上杭县"), ("350824", "武平县"),
    ("350825", "连城县"), ("350881", "漳平市"), ("350902", "蕉城区"), ("350921", "霞浦县"),
    ("350922", "古田县"), ("350923", "屏南县"), ("350924", "寿宁县"), ("350925", "周宁县"),
    ("350926", "柘荣县"), ("350981", "福安市"), ("350982", "福鼎市"),
)
AREA_CODES = {"3501": "0591", "3502": "0592", "3503": "0594", "3504": "0598", "3505": "0595",
              "3506": "0596", "3507": "0599", "3508": "0597", "3509": "0593"}

_PLACE_CHARS = tuple("东西南北上下中前后大小新旧石山溪坑坪洋岭林桥田头坂尾口湖村坊洲兴安和平丰盛福龙凤阳岩塘")
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                    "155", "156", "157", "158", "159", "177", "180", "181", "183", "186", "187", "188",
                    "189", "191", "198", "199")


def area_code(division: str) -> str:
    return AREA_CODES.get(division[:4], "0598")


def township_names(rng: np.random.Generator, count: int) -> tuple[str, ...]:
    """Made-up township names for counties without a region configuration (province scale)."""
    names: list[str] = []
    while len(names) < count:
        a, b = rng.choice(len(_PLACE_CHARS), 2, replace=False)
        suffix = "镇" if len(names) < count * 2 // 3 else "乡"
        name = _PLACE_CHARS[a] + _PLACE_CHARS[b] + suffix
        if name not in names:
            names.append(name)
    return tuple(names)


# Residents of a village-level unit (村/社区), on average, in Fujian: 2020 census ≈ 41.5 million
# residents in 16,784 units (14,406 行政村, 2,378 社区). A county more populous than its drawn
# villages allow at that size gets more villages, not bigger ones (docs/synth.md "Places").
RESIDENTS_PER_VILLAGE = 2_500


def _new_village(rng: np.random.Generator, names: list[str], community: bool) -> str:
    while True:
        a, b = rng.choice(len(_PLACE_CHARS), 2, replace=False)
        name = _PLACE_CHARS[a] + _PLACE_CHARS[b] + ("社区" if community else "村")
        if name not in names:
            return name


def village_names(rng: np.random.Generator, township_count: int, seat: int = 0,
                  residents: int | None = None) -> list[list[str]]:
    """Villages (村) per township, 8–20 each; the county seat also has communities (社区). With
    ``residents`` above ``RESIDENTS_PER_VILLAGE`` per drawn village, every township gets more, in
    proportion, so that a village holds that many on average (drawn after the first ones, so a
    county that needs none is the same as before)."""
    out: list[list[str]] = []
    for t in range(township_count):
        k = int(rng.integers(8, 21))
        names: list[str] = []
        while len(names) < k:
            names.append(_new_village(rng, names, t == seat and len(names) < k // 2))
        out.append(names)
    drawn = sum(len(v) for v in out)
    if residents is not None and residents > RESIDENTS_PER_VILLAGE * drawn:
        factor = residents / (RESIDENTS_PER_VILLAGE * drawn)
        for t, names in enumerate(out):
            k = round(len(names) * factor)
            communities = sum(n.endswith("社区") for n in names)
            while len(names) < k:  # the seat keeps half of its units 社区
                names.append(_new_village(rng, names, t == seat and communities < k // 2))
                communities += names[-1].endswith("社区")
    return out


def phones(rng: np.random.Generator, n: int, division: str) -> np.ndarray:
    """Mobile numbers, with a share of landlines (``0598-xxxxxxx``)."""
    pre = np.array(_MOBILE_PREFIXES, dtype=object)[rng.integers(0, len(_MOBILE_PREFIXES), n)]
    rest = rng.integers(0, 10**8, n)
    land = rng.integers(2_000_000, 9_000_000, n)
    use_land = rng.random(n) < 0.12
    code = area_code(division)
    return np.array([f"{code}-{ll}" if u else f"{p}{r:08d}" for p, r, ll, u in
                     zip(pre, rest.tolist(), land.tolist(), use_land.tolist(), strict=True)], dtype=object)
