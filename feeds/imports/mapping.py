"""Mapping files (JSON or YAML): which column fills which record field, and how.

See docs/feeds.md "Mapping files" for the reference. A mapping is checked completely before a
single row is read, so a typo names the key instead of failing halfway through a file.

A mapping fills either a feed kind (records for that kind's pipeline, feeds/pipeline.py) or an
**import target** another app registered with `register_target` (e.g. "camera").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.utils.module_loading import import_string

from feeds import pipeline

RULE_KEYS = {
    "column",
    "value",
    "template",
    "type",
    "format",
    "strip_suffix",
    "map",
    "unmapped",
    "default",
    "wkt_column",
    "upper",
}
TYPES = {"str", "float", "int", "datetime"}
WKT_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
EACH_KEYS = {"columns", "as", "skip", "distinct"}


class MappingError(ValueError):
    """The mapping file itself is wrong; the message names the key."""


class CellError(ValueError):
    """One cell could not be converted; the message names the field and the value."""


# --- import targets registered by other apps ----------------------------------------------------


@dataclass(frozen=True)
class ImportTarget:
    kind: str
    validator: str  # dotted path of the record serializer
    importer: str | None = None  # dotted path of `f(*, path, mapping, user, dry_run, progress) -> report`


_TARGETS: dict[str, ImportTarget] = {}


def register_target(kind: str, validator: str, *, importer: str | None = None) -> None:
    """Let mappings of `kind` fill the records `validator` checks (called from an AppConfig.ready())."""
    if kind in pipeline.supported_kinds():
        raise ValueError(f"{kind!r} is a feed kind; import targets need a name of their own")
    _TARGETS[kind] = ImportTarget(kind=kind, validator=validator, importer=importer)


def target_kinds() -> list[str]:
    """Every kind a mapping may fill: the feed kinds, then the registered import targets."""
    return [*pipeline.supported_kinds(), *_TARGETS]


def validator_for(kind: str) -> type:
    if kind in _TARGETS:
        return import_string(_TARGETS[kind].validator)
    return pipeline.validator_for(kind)


def importer_for(kind: str) -> Callable[..., Any]:
    """The import function of a registered target (feed kinds go through feeds.imports.csv_import)."""
    target = _TARGETS.get(kind)
    if target is None or target.importer is None:
        raise MappingError(f"kind: no file importer is registered for {kind!r}")
    return import_string(target.importer)


# --- the mapping ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    name: str
    column: str | None = None
    value: Any = None
    template: str | None = None
    type: str = "str"
    formats: tuple[str, ...] = ()
    strip_suffix: str = ""
    upper: bool = False
    table: dict[str, Any] | None = None
    reject_unmapped: bool = False
    default: Any = None
    wkt_column: str | None = None

    def columns(self) -> set[str]:
        names = {c for c in (self.column, self.wkt_column) if c}
        if self.template is not None:
            names.update(PLACEHOLDER.findall(self.template))
        return names


@dataclass(frozen=True)
class Each:
    """One row → one record per non-empty cell of `columns`; the cell is available as column `name`."""

    columns: tuple[str, ...]
    name: str
    skip: frozenset[str] = frozenset()
    distinct: bool = False

    def values(self, row: dict[str, str]) -> list[str]:
        found: list[str] = []
        for column in self.columns:
            text = (row.get(column) or "").strip()
            if text and text not in self.skip and not (self.distinct and text in found):
                found.append(text)
        return found


@dataclass(frozen=True)
class Mapping:
    kind: str
    rules: tuple[FieldRule, ...]
    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    # Column names of files without a header row (e.g. Genetec hotlists); None: the first row names them.
    header: tuple[str, ...] | None = None
    timezone: ZoneInfo | None = None
    description: str = ""
    each: Each | None = None
    source: str = field(default="", compare=False)

    def columns(self) -> set[str]:
        """The columns the file must have (an `each` variable is not one of them)."""
        names: set[str] = set().union(*(rule.columns() for rule in self.rules))
        if self.each is not None:
            names = (names - {self.each.name}) | set(self.each.columns)
        return names

    def expand(self, row: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
        """The rows the mapping turns one row into, each with a label ('' without `each`)."""
        if self.each is None:
            return [("", row)]
        return [(f"{self.each.name} {value}", {**row, self.each.name: value}) for value in self.each.values(row)]

    def record_from_row(self, row: dict[str, str]) -> dict[str, Any]:
        """One row (column → text) as a record; empty cells leave the field out."""
        record: dict[str, Any] = {}
        for rule in self.rules:
            if rule.wkt_column is not None:
                record.update(self._point(rule, row.get(rule.wkt_column, "")))
                continue
            value = self._value(rule, row)
            if value is not None:
                record[rule.name] = value
        return record

    def _value(self, rule: FieldRule, row: dict[str, str]) -> Any:
        if rule.column is None and rule.template is None:
            return rule.value
        text = _fill(rule.template, row) if rule.template is not None else (row.get(rule.column or "") or "").strip()
        if rule.strip_suffix and text.endswith(rule.strip_suffix):
            text = text[: -len(rule.strip_suffix)].strip()
        if rule.upper:
            text = text.upper()
        if rule.table is not None:
            if text in rule.table:
                return rule.table[text]
            if rule.reject_unmapped and text:
                raise CellError(f"{rule.name}: {text!r} is not in the mapping's table {sorted(rule.table)}")
            return rule.default
        if text == "":
            return rule.default
        return self._convert(rule, text)

    def _convert(self, rule: FieldRule, text: str) -> Any:
        try:
            if rule.type == "float":
                return float(text)
            if rule.type == "int":
                return int(text)
        except ValueError as exc:
            raise CellError(f"{rule.name}: {text!r} is not a number (column {rule.column!r})") from exc
        if rule.type == "datetime":
            return self._datetime(rule, text)
        return text

    def _datetime(self, rule: FieldRule, text: str) -> str:
        for fmt in rule.formats:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if parsed.tzinfo is None and self.timezone is not None:
                parsed = parsed.replace(tzinfo=self.timezone)
            return parsed.isoformat()
        raise CellError(f"{rule.name}: {text!r} matches none of the formats {list(rule.formats)}")

    @staticmethod
    def _point(rule: FieldRule, text: str) -> dict[str, float]:
        if not text.strip():
            return {}
        match = WKT_POINT.match(text)
        if match is None:
            raise CellError(f"{rule.name}: {text[:60]!r} is not a WKT POINT (column {rule.wkt_column!r})")
        longitude, latitude = float(match.group(1)), float(match.group(2))
        return {"latitude": latitude, "longitude": longitude}


def _fill(template: str, row: dict[str, str]) -> str:
    """The template with every {column} replaced; empty when any of those cells is empty."""
    cells = {name: (row.get(name) or "").strip() for name in PLACEHOLDER.findall(template)}
    if not all(cells.values()):
        return ""
    return PLACEHOLDER.sub(lambda match: cells[match.group(1)], template).strip()


SHIPPED_DIR = Path(__file__).resolve().parent.parent / "mappings"


def shipped_mappings(directory: Path = SHIPPED_DIR) -> list[str]:
    """File names of the mappings that come with RTCC Ops (feeds/mappings/ unless told otherwise)."""
    return sorted(p.name for p in directory.iterdir() if p.suffix.lower() in {".json", ".yml", ".yaml"})


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; raises MappingError naming the bad key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"mapping: cannot read {path}: {exc.strerror}") from exc
    return mapping_from_text(text, name=path.name, source=str(path))


def mapping_from_text(text: str, *, name: str, source: str = "") -> Mapping:
    """A mapping from its text; YAML when the name ends in .yml/.yaml, JSON otherwise."""
    suffix = Path(name).suffix.lower()
    try:
        spec = yaml.safe_load(text) if suffix in {".yml", ".yaml"} else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise MappingError(
            f"mapping: {name} is not valid {'YAML' if suffix in {'.yml', '.yaml'} else 'JSON'}: {exc}"
        ) from exc
    return parse_mapping(spec, source=source or name)


def parse_mapping(spec: Any, *, source: str = "") -> Mapping:
    if not isinstance(spec, dict):
        raise MappingError("mapping: expected an object with 'kind' and 'fields'")
    unknown = set(spec) - {"kind", "fields", "csv", "timezone", "description", "each"}
    if unknown:
        raise MappingError(f"mapping: unknown key(s) {sorted(unknown)}")
    kind = spec.get("kind")
    if kind not in target_kinds():
        raise MappingError(f"kind: must be one of {target_kinds()}, got {kind!r}")
    record_fields = set(validator_for(kind)().fields)
    fields_spec = spec.get("fields")
    if not isinstance(fields_spec, dict) or not fields_spec:
        raise MappingError("fields: expected an object of record field → rule")
    each = _each(spec["each"], kind) if "each" in spec else None
    rules = tuple(_rule(name, rule, record_fields) for name, rule in fields_spec.items())
    csv_spec = spec.get("csv") or {}
    if not isinstance(csv_spec, dict) or set(csv_spec) - {"delimiter", "encoding", "header"}:
        raise MappingError("csv: only 'delimiter', 'encoding' and 'header' may be set")
    header = _header(csv_spec["header"]) if "header" in csv_spec else None
    delimiter = csv_spec.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise MappingError("csv.delimiter: one character, e.g. ',', ';' or '\\t' (leave out to detect)")
    try:
        zone = ZoneInfo(spec["timezone"]) if spec.get("timezone") else None
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(f"timezone: unknown time zone {spec['timezone']!r}") from exc
    mapping = Mapping(
        kind=kind,
        rules=rules,
        delimiter=delimiter,
        encoding=csv_spec.get("encoding", "utf-8-sig"),
        header=header,
        timezone=zone,
        description=str(spec.get("description", "")),
        each=each,
        source=source,
    )
    if header is not None and mapping.columns() - set(header):
        missing = sorted(mapping.columns() - set(header))
        raise MappingError(f"csv.header: the rules read column(s) {missing} that the header does not name")
    return mapping


def _header(spec: Any) -> tuple[str, ...]:
    if not isinstance(spec, list) or not spec or not all(isinstance(name, str) and name.strip() for name in spec):
        raise MappingError("csv.header: a non-empty list of column names, for files without a header row")
    names = tuple(name.strip() for name in spec)
    if len(set(names)) != len(names):
        raise MappingError("csv.header: each column name once")
    return names


def _each(spec: Any, kind: str) -> Each:
    if kind in pipeline.supported_kinds():
        raise MappingError(f"each: a {kind} feed takes one record per row; 'each' is for import targets")
    if not isinstance(spec, dict) or set(spec) - EACH_KEYS:
        raise MappingError(f"each: expected an object with the keys {sorted(EACH_KEYS)} ('columns' and 'as' required)")
    columns, name, skip = spec.get("columns"), spec.get("as"), spec.get("skip", [])
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) and c for c in columns):
        raise MappingError("each.columns: a non-empty list of column names")
    if not isinstance(name, str) or not name.strip():
        raise MappingError("each.as: the name rules use (as a column) for the cell, e.g. 'approach'")
    if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
        raise MappingError("each.skip: a list of cell texts that give no record, e.g. ['NA']")
    if not isinstance(spec.get("distinct", False), bool):
        raise MappingError("each.distinct: true or false")
    return Each(columns=tuple(columns), name=name, skip=frozenset(skip), distinct=spec.get("distinct", False))


def _rule(name: str, spec: Any, record_fields: set[str]) -> FieldRule:
    where = f"fields.{name}"
    if not isinstance(spec, dict):
        raise MappingError(f'{where}: expected an object such as {{"column": "..."}}')
    unknown = set(spec) - RULE_KEYS
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {sorted(unknown)}")
    if "wkt_column" in spec:
        if name != "location":
            raise MappingError(f"{where}: wkt_column only fills 'location' (latitude and longitude)")
        return FieldRule(name=name, wkt_column=str(spec["wkt_column"]))
    if name not in record_fields:
        raise MappingError(f"{where}: not a record field; the fields are {sorted(record_fields)} and 'location'")
    if sum(key in spec for key in ("column", "value", "template")) != 1:
        raise MappingError(f"{where}: give exactly one of 'column', 'value' or 'template'")
    template = spec.get("template")
    if template is not None:
        _check_template(where, template)
    kind = spec.get("type", "datetime" if "format" in spec else "str")
    if kind not in TYPES:
        raise MappingError(f"{where}.type: one of {sorted(TYPES)}")
    formats = spec.get("format", [])
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    if kind == "datetime" and not formats:
        raise MappingError(f"{where}.format: a datetime needs at least one strptime format, e.g. '%m/%d/%y %H:%M'")
    table = spec.get("map")
    if table is not None and not isinstance(table, dict):
        raise MappingError(f"{where}.map: expected an object of cell text → value")
    unmapped = spec.get("unmapped", "default")
    if unmapped not in {"default", "reject"} or ("unmapped" in spec and table is None):
        raise MappingError(f"{where}.unmapped: 'default' or 'reject', and only together with 'map'")
    return FieldRule(
        name=name,
        column=spec.get("column"),
        value=spec.get("value"),
        template=template,
        type=kind,
        formats=formats,
        strip_suffix=str(spec.get("strip_suffix", "")),
        upper=bool(spec.get("upper", False)),
        table=table,
        reject_unmapped=unmapped == "reject",
        default=spec.get("default"),
    )


def _check_template(where: str, template: Any) -> None:
    if not isinstance(template, str) or not PLACEHOLDER.search(template):
        raise MappingError(f"{where}.template: text with at least one {{column}}, e.g. '{{INTERSECTION}} {{approach}}'")
    if "{" in PLACEHOLDER.sub("", template) or "}" in PLACEHOLDER.sub("", template):
        raise MappingError(f"{where}.template: unbalanced '{{' or '}}' in {template!r}")
