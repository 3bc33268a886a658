"""Rules as data: read the rule files, apply an administrator's settings, check, and version them.

A rule's version is ``v{file version}-{hash}``, the hash over everything that decides what it finds
(its effective definition and parameters, the shared terms, tags and priority weights). Switching a
threshold in the admin therefore gives the next screening's clues a new version; clues already
made keep theirs.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jiuzhu.engine.screening.conditions import Compiler, RuleError
from jiuzhu.engine.screening.subjects import SUBJECTS, subject_schema
from jiuzhu.engine.units import UNIT_NAMES

HERE = Path(__file__).parent
RULES_DIR = HERE / "rules"

_REQUIRED = ("code", "name", "version", "subject", "target_unit", "reason", "when")
_KNOWN = set(_REQUIRED) | {"action", "records", "evidence", "exclude", "parameters", "conditions", "help",
                           "priority", "also_units"}
EVIDENCE_KINDS = ("hardship", "parents", "linked_unpaid", "relatives_if_dead", "poverty_watch", "unpaid",
                  "uncompensated")


@dataclass(frozen=True)
class RuleSetting:
    """An administrator's change to one rule (what the app's RuleSetting row holds)."""

    rule: str
    enabled: bool = True
    parameters: Mapping[str, Any] = field(default_factory=dict)
    definition: Mapping[str, Any] | None = None  # a whole new rule, same form as a rule file


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    version: str  # v{file version}-{hash of what decides the findings}
    definition: Mapping[str, Any]
    parameters: Mapping[str, Any]

    @property
    def subject(self) -> str:
        return self.definition["subject"]

    def get(self, key: str, default: Any = None) -> Any:
        return self.definition.get(key, default)


@cache
def _read_toml(path: str) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def shared_file(name: str) -> dict[str, Any]:
    """``terms``, ``tags`` or ``priority`` (a deep copy: callers may not change the cache)."""
    return copy.deepcopy(_read_toml(str(HERE / f"{name}.toml")))


def builtin_definitions() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(RULES_DIR.glob("*.toml")):
        data = copy.deepcopy(_read_toml(str(path)))
        if data.get("code") != path.stem:
            raise RuleError(f"规则文件 {path.name} 的 code 与文件名不一致")
        out[data["code"]] = data
    return out


def _same_type(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, list):
        return isinstance(new, list) and all(isinstance(x, str) for x in new) and bool(new)
    return type(old) is type(new)


def effective_parameters(definition: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    params = dict(definition.get("parameters", {}))
    for key, value in overrides.items():
        if key not in params:
            settable = ", ".join(params) or "无"
            raise RuleError(f"规则 {definition.get('code')} 没有参数 {key!r}（可设：{settable}）")
        if not _same_type(params[key], value):
            raise RuleError(f"参数 {key} 的类型应与原值相同（原值 {params[key]!r}）")
        params[key] = value
    return params


def validate(definition: Mapping[str, Any], params: Mapping[str, Any]) -> None:
    """RuleError unless the definition is complete and every condition compiles."""
    code = definition.get("code", "?")
    missing = [k for k in _REQUIRED if k not in definition]
    if missing:
        raise RuleError(f"规则 {code} 缺少：{', '.join(missing)}")
    unknown = set(definition) - _KNOWN
    if unknown:
        raise RuleError(f"规则 {code} 含未知的项：{', '.join(sorted(unknown))}")
    if definition["subject"] not in SUBJECTS:
        raise RuleError(f"规则 {code} 的对象 {definition['subject']!r} 不存在（可用：{', '.join(SUBJECTS)}）")
    units = [definition["target_unit"], *definition.get("also_units", [])]
    for unit in units:
        if unit not in UNIT_NAMES:
            raise RuleError(f"规则 {code} 的单位代码 {unit!r} 不存在")
    schema = subject_schema(definition["subject"])
    for col in definition.get("records", []):
        if col not in schema.columns:
            raise RuleError(f"规则 {code} 的证据列 {col!r} 不存在")
    for kind in definition.get("evidence", []):
        if kind not in EVIDENCE_KINDS:
            raise RuleError(f"规则 {code} 的证据类型 {kind!r} 不存在")
    compiler = Compiler(schema, params, definition.get("conditions", {}))
    compiler.compile(definition["when"])
    for item in definition.get("help", []):
        if "when" in item:
            compiler.compile(item["when"])
    excl = definition.get("exclude")
    if excl and excl.get("same") not in ("person", "person_and_record"):
        raise RuleError(f"规则 {code} 的 exclude.same 应为 person 或 person_and_record")
    if excl and excl.get("same") == "person_and_record" and excl.get("record") not in schema.columns:
        raise RuleError(f"规则 {code} 的 exclude.record 应为对象的记录列")


def _version(definition: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    shared = {name: shared_file(name) for name in ("terms", "tags", "priority")}
    blob = json.dumps({"definition": definition, "parameters": params, "shared": shared},
                      sort_keys=True, ensure_ascii=False, default=str)
    return f"v{definition['version']}-{hashlib.sha256(blob.encode()).hexdigest()[:8]}"


def load_rules(settings: Iterable[RuleSetting] = (), only: Iterable[str] | None = None) -> list[Rule]:
    """The enabled rules, in an order where every rule comes after the rules it excludes against."""
    definitions = builtin_definitions()
    by_code = {s.rule: s for s in settings}
    for s in by_code.values():
        if s.definition:
            if s.rule in definitions:
                raise RuleError(f"内置规则 {s.rule} 不能用新定义替换，只能改参数或停用")
            definitions[s.rule] = {**copy.deepcopy(dict(s.definition)), "code": s.rule}
    wanted = set(only) if only else None
    if wanted and wanted - set(definitions):
        raise RuleError(f"没有这些规则：{', '.join(sorted(wanted - set(definitions)))}")
    rules = []
    for code, definition in definitions.items():
        setting = by_code.get(code)
        if (setting and not setting.enabled) or (wanted and code not in wanted):
            continue
        params = effective_parameters(definition, setting.parameters if setting else {})
        validate(definition, params)
        rules.append(Rule(code, definition["name"], _version(definition, params), definition, params))
    return _ordered(rules)


def _ordered(rules: list[Rule]) -> list[Rule]:
    pending = {r.code: r for r in sorted(rules, key=lambda r: r.code)}
    out: list[Rule] = []
    while pending:
        ready = [r for r in pending.values()
                 if not (set(r.get("exclude", {}).get("rules", [])) & set(pending) - {r.code})]
        if not ready:
            raise RuleError(f"规则之间的排除关系成环：{', '.join(pending)}")
        for r in ready:
            out.append(r)
            del pending[r.code]
    return out


def check_setting(rule: str, parameters: Mapping[str, Any], definition: Mapping[str, Any] | None) -> None:
    """What the admin form calls before saving: RuleError with a Chinese message when unusable."""
    builtins = builtin_definitions()
    if definition:
        if rule in builtins:
            raise RuleError(f"内置规则 {rule} 不能用新定义替换，只能改参数或停用")
        full = {**dict(definition), "code": rule}
    elif rule in builtins:
        full = builtins[rule]
    else:
        raise RuleError(f"没有规则 {rule}；新增规则须填写规则定义")
    params = effective_parameters(full, parameters or {})
    validate(full, params)
