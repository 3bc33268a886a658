"""Why a clue's records belong to one person: read from the warehouse linkage output
(person_index, link_explanations; docs/architecture.md), read-only. No warehouse, no linkage
run yet, or a busy file: the page says so instead of failing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

METHOD_LABELS = {"id": "身份证号一致", "probabilistic": "概率匹配（姓名、出生日期等）", "single": "仅此一条记录"}


@dataclass
class Linkage:
    available: bool
    note: str = ""
    methods: dict[str, str] = field(default_factory=dict)  # record_id → how it joined the person
    links: list[dict] = field(default_factory=list)  # probabilistic pairs with their weights


def explain(person_key: str, record_ids: list[str]) -> Linkage:
    try:
        import duckdb

        from jiuzhu.engine.home import warehouse_path

        path = warehouse_path()
        if not path.exists():
            return Linkage(False, "数据仓库尚未建立，无法显示关联依据")
        con = duckdb.connect(str(path), read_only=True)
    except Exception:  # noqa: BLE001 - a locked or missing file is shown, never raised on the page
        return Linkage(False, "数据仓库暂时无法读取（可能正在导入），请稍后刷新")
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if not {"person_index", "link_explanations"} <= tables:
            return Linkage(False, "尚未运行人员关联，无法显示关联依据")
        rows = con.execute("SELECT record_id, method FROM person_index WHERE person_key = ?",
                           [person_key]).fetchall()
        methods = {r: METHOD_LABELS.get(m, m) for r, m in rows}
        ids = sorted(set(methods) | set(record_ids))
        links = []
        if ids:
            marks = ",".join("?" * len(ids))
            for left, right, weight, prob, comparisons in con.execute(
                    f"SELECT record_id_l, record_id_r, match_weight, match_probability, comparisons "
                    f"FROM link_explanations WHERE record_id_l IN ({marks}) OR record_id_r IN ({marks}) "
                    f"ORDER BY match_weight DESC LIMIT 50", ids + ids).fetchall():
                try:
                    parts = json.loads(comparisons or "{}")
                except ValueError:
                    parts = {}
                links.append({"left": left, "right": right, "weight": round(weight or 0, 2),
                              "probability": round((prob or 0) * 100, 1),
                              "comparisons": [(name, v.get("level", ""), round(v.get("weight", 0), 2))
                                              for name, v in parts.items() if isinstance(v, dict)]})
        return Linkage(True, methods=methods, links=links)
    except Exception:  # noqa: BLE001
        return Linkage(False, "关联依据读取失败")
    finally:
        con.close()
