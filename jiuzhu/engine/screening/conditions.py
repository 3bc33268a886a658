"""The condition form of rule files, compiled to SQL that DuckDB and Spark SQL both run.

A condition is plain data (from TOML/JSON), never code:

    {all = [c, …]}        every one holds            {any = [c, …]}   at least one holds
    {not = c}             c does not hold            {ref = "name"}   a named condition of the file
    {field = "f", op = "<op>", value = v}            compare a column with a literal
    {field = "f", op = "<op>", param = "p"}          … with a parameter of the rule
    {field = "f", op = "<op>", other = "g"}          … with another column
    {field = "f", op = "is_true"}                    also is_false, is_null, not_null
    {exists = "table", where = c}                    a related row of the same person exists

Columns come from a fixed schema per subject, operators from a fixed list, and literals are
checked by type and written by this module — no text from a rule reaches SQL unquoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

# Column kinds a schema knows. A literal must fit its column's kind.
KINDS = ("text", "int", "bool", "date")

_COMPARE = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
LIST_OPERATORS = {"in": "IN", "not_in": "NOT IN"}
UNARY_OPERATORS = {
    "is_true": "({col} = TRUE)",
    "is_false": "(COALESCE({col}, FALSE) = FALSE)",
    "is_null": "({col} IS NULL)",
    "not_null": "({col} IS NOT NULL)",
}
OPERATORS = tuple(_COMPARE) + tuple(LIST_OPERATORS) + tuple(UNARY_OPERATORS)
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
# Quotes and backslashes mean different things in DuckDB and Spark string literals: refuse them.
_UNSAFE_TEXT = re.compile(r"['\\\x00-\x1f]")
_MAX_DEPTH = 12


class RuleError(ValueError):
    """A rule file or setting that cannot be used; the message is Chinese, for the administrator."""


@dataclass(frozen=True)
class Related:
    """A table an ``exists`` condition may look into, joined to the subject on ``person_key``."""

    table: str
    columns: Mapping[str, str]


@dataclass(frozen=True)
class Schema:
    """The columns a condition on one subject may use (name → kind) and its related tables."""

    columns: Mapping[str, str]
    related: Mapping[str, Related]
    person_column: str = "person_key"


def literal(value: Any, kind: str) -> str:
    """A literal of ``kind`` as SQL text, or RuleError."""
    if kind == "bool":
        if not isinstance(value, bool):
            raise RuleError(f"应为 是/否（true/false）：{value!r}")
        return "TRUE" if value else "FALSE"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"应为整数：{value!r}")
        return str(value)
    if kind == "date":
        if isinstance(value, date):
            return f"DATE '{value.isoformat()}'"
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
            return f"DATE '{value}'"
        raise RuleError(f"应为日期 YYYY-MM-DD：{value!r}")
    if kind == "text":
        if not isinstance(value, str):
            raise RuleError(f"应为文字：{value!r}")
        if _UNSAFE_TEXT.search(value) or len(value) > 200:
            raise RuleError(f"文字含不允许的字符（引号、反斜杠、控制字符）或过长：{value!r}")
        return f"'{value}'"
    raise RuleError(f"未知的列类型：{kind}")


class Compiler:
    """Compiles conditions of one rule: its subject's schema, parameters and named conditions."""

    def __init__(self, schema: Schema, params: Mapping[str, Any], named: Mapping[str, Any] | None = None,
                 alias: str = "s") -> None:
        self.schema = schema
        self.params = params
        self.named = named or {}
        self.alias = alias

    def compile(self, cond: Any) -> str:
        return self._node(cond, self.schema.columns, self.alias, depth=0, refs=())

    def _node(self, cond: Any, columns: Mapping[str, str], alias: str, depth: int,
              refs: tuple[str, ...]) -> str:
        if depth > _MAX_DEPTH:
            raise RuleError("条件嵌套过深")
        if not isinstance(cond, Mapping):
            raise RuleError(f"条件应为表（键值对）：{cond!r}")
        keys = set(cond)
        if keys == {"all"} or keys == {"any"}:
            (word,) = keys
            items = cond[word]
            if not isinstance(items, list) or not items:
                raise RuleError(f"{word} 应为非空列表")
            joiner = " AND " if word == "all" else " OR "
            return "(" + joiner.join(self._node(c, columns, alias, depth + 1, refs) for c in items) + ")"
        if keys == {"not"}:
            return f"(NOT {self._node(cond['not'], columns, alias, depth + 1, refs)})"
        if keys == {"ref"}:
            name = cond["ref"]
            if name not in self.named:
                raise RuleError(f"未定义的命名条件：{name!r}")
            if name in refs:
                raise RuleError(f"命名条件循环引用：{name!r}")
            return self._node(self.named[name], columns, alias, depth + 1, refs + (name,))
        if keys == {"exists", "where"}:
            if alias != self.alias:
                raise RuleError("exists 不能嵌套")
            rel = self.schema.related.get(cond["exists"])
            if rel is None:
                raise RuleError(f"不能关联的表：{cond['exists']!r}（可用：{', '.join(self.schema.related)}）")
            inner = self._node(cond["where"], rel.columns, "x", depth + 1, refs)
            return (f"(EXISTS (SELECT 1 FROM {rel.table} x WHERE x.person_key = "
                    f"{self.alias}.{self.schema.person_column} AND {inner}))")
        if "field" in keys:
            return self._compare(cond, columns, alias)
        raise RuleError(f"无法识别的条件：{dict(cond)!r}")

    def _column(self, name: Any, columns: Mapping[str, str], alias: str) -> tuple[str, str]:
        if not isinstance(name, str) or not _IDENT.match(name) or name not in columns:
            raise RuleError(f"未知的字段：{name!r}")
        return f"{alias}.{name}", columns[name]

    def _compare(self, cond: Mapping[str, Any], columns: Mapping[str, str], alias: str) -> str:
        allowed = {"field", "op", "value", "param", "other"}
        if set(cond) - allowed:
            raise RuleError(f"条件含未知的键：{sorted(set(cond) - allowed)}")
        col, kind = self._column(cond["field"], columns, alias)
        op = cond.get("op")
        if op not in OPERATORS:
            raise RuleError(f"未知的运算符：{op!r}（可用：{' '.join(OPERATORS)}）")
        operands = [k for k in ("value", "param", "other") if k in cond]
        if op in UNARY_OPERATORS:
            if operands:
                raise RuleError(f"{op} 不带比较值")
            if op in ("is_true", "is_false") and kind != "bool":
                raise RuleError(f"{cond['field']} 不是 是/否 字段")
            return UNARY_OPERATORS[op].format(col=col)
        if len(operands) != 1:
            raise RuleError(f"{cond['field']} {op}：应有且只有一个 value、param 或 other")
        if "other" in cond:
            if op in LIST_OPERATORS:
                raise RuleError("in/not_in 不能与 other 同用")
            other, other_kind = self._column(cond["other"], columns, alias)
            if other_kind != kind:
                raise RuleError(f"{cond['field']} 与 {cond['other']} 类型不同")
            return f"({col} {_COMPARE[op]} {other})"
        if "param" in cond:
            if cond["param"] not in self.params:
                raise RuleError(f"未定义的参数：{cond['param']!r}")
            value = self.params[cond["param"]]
        else:
            value = cond["value"]
        if op in LIST_OPERATORS:
            if not isinstance(value, list) or not value:
                raise RuleError(f"{cond['field']} {op}：应为非空列表")
            return f"({col} {LIST_OPERATORS[op]} ({', '.join(literal(v, kind) for v in value)}))"
        return f"({col} {_COMPARE[op]} {literal(value, kind)})"
