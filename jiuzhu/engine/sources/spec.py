"""The shape of a source-type spec (one per type in this package): fields, headers, roles, parsers.

A field is matched by its header synonyms, optionally behind one of its role prefixes
(``成员身份证号码``, ``被害人公民身份号码``). A ``Field.kind`` names the parser in ``intake/normalise.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Field kinds → DuckDB column types (``warehouse.schema`` reads this).
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "name": "VARCHAR",
    "id": "VARCHAR",
    "case_no": "VARCHAR",
    "phone": "VARCHAR",
    "enum": "VARCHAR",
    "sex": "VARCHAR",
    "date": "DATE",
    "amount": "BIGINT",
    "int": "INTEGER",
    "bool": "BOOLEAN",
}


@dataclass(frozen=True)
class Field:
    name: str  # canonical column name in rec_<type>
    kind: str  # key of SQL_TYPES
    headers: tuple[str, ...]  # Chinese header synonyms
    roles: tuple[str, ...] = ()  # role prefixes that may stand before a synonym
    bare: bool = True  # a synonym without a role prefix matches too
    required: bool = False
    enum: str | None = None  # enumeration in identity.enums for kind "enum"
    label: str = ""  # what users see; defaults to the first header

    @property
    def title(self) -> str:
        return self.label or (
            self.roles[0] + self.headers[0] if not self.bare and self.roles else self.headers[0]
        )

    def header_forms(self) -> set[str]:
        forms = set(self.headers) if self.bare else set()
        for role in self.roles:
            forms.update(role + h for h in self.headers)
        forms.discard("")  # "" in headers means "the role word alone" (``被告人``), never an empty cell
        return forms


@dataclass(frozen=True)
class SourceSpec:
    code: str  # --source value, e.g. "victim"
    title: str  # 中文名称
    unit: str  # default sending unit (jiuzhu.engine.units)
    fields: tuple[Field, ...]
    main_role: str = ""  # whom the §2 columns describe, e.g. 被害人

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def type_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.name not in PERSON_FIELDS)


# §2 people fields, shared by every type, in the order of the warehouse columns.
PERSON_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "当事人姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "身份证",
        "公民身份证号码",
        "身份证件号码",
    ),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日"),
    "phone": ("联系电话", "手机号", "电话", "手机号码", "电话号码", "联系方式"),
    "township": ("乡镇", "乡镇(街道)", "所属乡镇", "乡(镇)", "乡镇街道"),
    "village": ("村(社区)", "村居", "所属村", "村", "村(居)", "社区(村)", "所属村(社区)"),
    "address": ("住址", "家庭住址", "户籍地址", "居住地址", "现住址"),
}
PERSON_KINDS = {
    "name": "name",
    "id_number": "id",
    "sex": "sex",
    "birth_date": "date",
    "phone": "phone",
    "township": "text",
    "village": "text",
    "address": "text",
}
PERSON_FIELDS = tuple(PERSON_HEADERS)


def person_fields(
    *,
    roles: tuple[str, ...] = (),
    required: tuple[str, ...] = ("name", "id_number"),
    name_headers: tuple[str, ...] = (),
) -> tuple[Field, ...]:
    """The §2 fields of the row's main subject: unprefixed, or behind the main role prefix."""
    out = []
    for name, headers in PERSON_HEADERS.items():
        extra = name_headers if name == "name" else ()
        out.append(Field(name, PERSON_KINDS[name], headers + extra, roles=roles, required=name in required))
    return tuple(out)


def second_person(
    role: str, *, name: str, id_number: str, required_name: bool = False, roles: tuple[str, ...] = ()
) -> tuple[Field, ...]:
    """Name and ID of a second person on the row (被告人, 被执行人, 户主): the prefix is needed."""
    prefixes = (role, *roles)
    return (
        Field(
            name,
            "name",
            PERSON_HEADERS["name"] + ("",),
            roles=prefixes,
            bare=False,
            required=required_name,
            label=f"{role}姓名",
        ),
        Field(
            id_number, "id", PERSON_HEADERS["id_number"], roles=prefixes, bare=False, label=f"{role}身份证号"
        ),
    )
