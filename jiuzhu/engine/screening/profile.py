"""The person profile: one row per person at the as-of date, the columns every subject starts with.

subjects.py builds it in SQL; coverage.py reasons about the values it holds for a person without
facts. Both read the columns here, so neither imports the other for them (docs/screening.md
"Person profile").
"""

from __future__ import annotations

# Column → kind (conditions.KINDS).
PROFILE: dict[str, str] = {
    "person_key": "text", "name": "text", "id_number": "text", "sex": "text", "birth_date": "date",
    "age": "int",
    "in_dibao": "bool", "in_tekun": "bool", "in_dibao_edge": "bool", "in_temp_relief": "bool",
    "in_child_care": "bool", "in_disability": "bool", "dis_rank": "int", "dis_rank_kinds": "int",
    "severe_disability": "bool", "in_poverty_watch": "bool", "poverty_watch_open": "bool",
    "in_unemployment": "bool", "unemployment_hard": "bool", "in_veteran": "bool",
    "imprisoned": "bool", "dead": "bool", "missing": "bool", "absent": "bool",
    "hardship_count": "int", "is_victim": "bool", "victim_uncompensated": "bool",
    "unpaid_count": "int", "unpaid_total": "int", "unpaid_max": "int",
}
