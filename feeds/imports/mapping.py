"""Mapping files (JSON or YAML): which CSV column fills which record field, and how.

See docs/feeds.md "Mapping files" for the reference. A mapping is checked completely before a
single row is read, so a typo names the key instead of failing halfway through a file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from feeds import pipeline

RULE_KEYS = {"column", "value", "type", "format", "strip_suffix", "map", "default", "wkt_column", "upper"}
TYPES = {"str", "float", "int", "datetime"}
WKT_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$", re.IGNORECASE)


class MappingError(ValueError):
    """The mapping file itself is wrong; the message names the key."""


class CellError(ValueError):
    """One cell could not be converted; the message names the field and the value."""


@dataclass(frozen=True)
class FieldRule:
    name: str
    column: str | None = None
    value: Any = None
    type: str = "str"
    formats: tuple[str, ...] = ()
    strip_suffix: str = ""
    upper: bool = False
    table: dict[str, Any] | None = None
    default: Any = None
    wkt_column: str | None = None

    def columns(self) -> set[str]:
        return {c for c in (self.column, self.wkt_column) if c}


@dataclass(frozen=True)
class Mapping:
    kind: str
    rules: tuple[FieldRule, ...]
    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    timezone: ZoneInfo | None = None
    description: str = ""
    source: str = field(default="", compare=False)

    def columns(self) -> set[str]:
        return set().union(*(rule.columns() for rule in self.rules))

    def record_from_row(self, row: dict[str, str]) -> dict[str, Any]:
        """One CSV row (column → text) as a feed record; empty cells leave the field out."""
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
        if rule.column is None:
            return rule.value
        text = (row.get(rule.column) or "").strip()
        if rule.strip_suffix and text.endswith(rule.strip_suffix):
            text = text[: -len(rule.strip_suffix)].strip()
        if rule.upper:
            text = text.upper()
        if rule.table is not None:
            return rule.table.get(text, rule.default)
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


SHIPPED_DIR = Path(__file__).resolve().parent.parent / "mappings"


def shipped_mappings() -> list[str]:
    """File names of the mappings that come with RTCC Ops (feeds/mappings/)."""
    return sorted(p.name for p in SHIPPED_DIR.iterdir() if p.suffix.lower() in {".json", ".yml", ".yaml"})


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
    unknown = set(spec) - {"kind", "fields", "csv", "timezone", "description"}
    if unknown:
        raise MappingError(f"mapping: unknown key(s) {sorted(unknown)}")
    kind = spec.get("kind")
    if kind not in pipeline.supported_kinds():
        raise MappingError(f"kind: must be one of {pipeline.supported_kinds()}, got {kind!r}")
    record_fields = set(pipeline.validator_for(kind)().fields)
    fields_spec = spec.get("fields")
    if not isinstance(fields_spec, dict) or not fields_spec:
        raise MappingError("fields: expected an object of record field → rule")
    rules = tuple(_rule(name, rule, record_fields) for name, rule in fields_spec.items())
    csv_spec = spec.get("csv") or {}
    if not isinstance(csv_spec, dict) or set(csv_spec) - {"delimiter", "encoding"}:
        raise MappingError("csv: only 'delimiter' and 'encoding' may be set")
    delimiter = csv_spec.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise MappingError("csv.delimiter: one character, e.g. ',', ';' or '\\t' (leave out to detect)")
    try:
        zone = ZoneInfo(spec["timezone"]) if spec.get("timezone") else None
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(f"timezone: unknown time zone {spec['timezone']!r}") from exc
    return Mapping(
        kind=kind,
        rules=rules,
        delimiter=delimiter,
        encoding=csv_spec.get("encoding", "utf-8-sig"),
        timezone=zone,
        description=str(spec.get("description", "")),
        source=source,
    )


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
    if ("column" in spec) == ("value" in spec):
        raise MappingError(f"{where}: give exactly one of 'column' or 'value'")
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
    return FieldRule(
        name=name,
        column=spec.get("column"),
        value=spec.get("value"),
        type=kind,
        formats=formats,
        strip_suffix=str(spec.get("strip_suffix", "")),
        upper=bool(spec.get("upper", False)),
        table=table,
        default=spec.get("default"),
    )
