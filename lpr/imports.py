"""Hotlist files: the entries of ONE hotlist imported through a mapping (kind "hotlist_entry"), and the refresh.

The whole file is read and checked before anything is written; a file-level problem (unreadable,
bad mapping, missing columns, not UTF-8) changes nothing. Every row ends up created, updated,
unchanged or rejected (with its line and reason). An entry's import key is its `external_id` when
the file gives one, else plate + state. Fields the mapping fills are set from the row (an empty cell
clears the field); fields it does not mention are left as they are. Each new or changed entry gets
a history row (action "import") and is matched once against recent reads.

With `replace` (a refresh: the file IS the list) active entries missing from the file are
deactivated; a file without a single valid row is refused rather than emptying the list.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from accounts.roles import has_capability
from alerts import services as alert_services
from alerts.choices import AlertAudience, AlertType
from audit.services import audit_record
from feeds.imports.csv_import import count_lines, csv_rows, describe_errors
from feeds.imports.mapping import CellError, Mapping, MappingError, load_mapping
from feeds.records import FeedRecordSerializer
from lpr.models import Hotlist, HotlistEntry, HotlistEntryChange
from lpr.plates import PlateError, confusable_form, normalise_plate, normalise_state
from lpr.services.hotlists import EDITABLE, entry_match_retroactively
from rtcc.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied

logger = logging.getLogger(__name__)

TARGET = "hotlist_entry"
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
SNAPSHOT_FIELDS = (*EDITABLE, "external_id")
WRITE_FIELDS = [*SNAPSHOT_FIELDS, "plate_raw", "plate_confusable", "updated_at"]
MATCH_FIELDS = {"plate", "state", "effective_from", "expires_at", "active"}
MAX_LISTED_PROBLEMS = 1000
PROGRESS_EVERY = 500

Progress = Callable[[int, int], None]


class HotlistEntryRecord(FeedRecordSerializer):
    """One hotlist entry as a file gives it (mapping kind "hotlist_entry")."""

    plate = serializers.CharField(max_length=40, allow_blank=True, help_text="As listed; normalised to A-Z0-9.")
    state = serializers.CharField(max_length=20, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=200, help_text="Why the plate is listed (e.g. the Genetec category).")
    case_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    ncic_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    vehicle_description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    effective_from = serializers.DateTimeField(required=False, allow_null=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def validate_plate(self, value: str) -> str:
        try:
            normalise_plate(value)
        except PlateError as exc:
            raise serializers.ValidationError(f"Plate {exc}.") from exc
        return value

    def validate_state(self, value: str) -> str:
        try:
            return normalise_state(value)
        except PlateError as exc:
            message = str(exc)
            raise serializers.ValidationError(f"{message[:1].upper()}{message[1:]}.") from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("effective_from"), attrs.get("expires_at")
        if start is not None and end is not None and end <= start:
            raise serializers.ValidationError({"expires_at": "Must be after effective_from."})
        attrs["plate_raw"] = attrs["plate"].strip()[:16]
        attrs["plate"] = normalise_plate(attrs["plate"])
        return attrs


@dataclass
class HotlistImportReport:
    hotlist: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deactivated: int = 0  # replace mode: active entries the file no longer lists
    stored_inactive: int = 0  # rows whose expiry has passed (among created/updated/unchanged)
    hits: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    replace: bool = False
    dry_run: bool = False

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append((line, reason))

    def counts(self) -> dict[str, Any]:
        return {
            "hotlist": self.hotlist,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "deactivated": self.deactivated,
            "stored_inactive": self.stored_inactive,
            "hits": self.hits,
            "replace": self.replace,
            "dry_run": self.dry_run,
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts(), "problems": [{"line": line, "reason": reason} for line, reason in self.problems]}


@dataclass(frozen=True)
class _Row:
    line: int
    data: dict[str, Any]

    @property
    def key(self) -> tuple[str, ...]:
        if self.data.get("external_id"):
            return ("id", self.data["external_id"])
        return ("plate", self.data["plate"], self.data.get("state", ""))


def hotlist_import(
    *,
    hotlist_id: int,
    path: Path,
    mapping: Mapping,
    user: AbstractBaseUser | None = None,
    replace: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> HotlistImportReport:
    """Import a hotlist file into one hotlist, idempotently; `user` None is the scheduled refresh."""
    if user is not None and not has_capability(user, "lpr.hotlists.manage"):
        raise PermissionDenied("Your role does not allow importing hotlists.")
    if mapping.kind != TARGET:
        raise InvalidInput(f"mapping: it fills {mapping.kind!r} records, not {TARGET!r}")
    now = now or timezone.now()
    report = HotlistImportReport(replace=replace, dry_run=dry_run)
    rows = _checked_rows(path, mapping, report, progress)
    with transaction.atomic(durable=True):
        hotlist = Hotlist.objects.select_for_update().filter(pk=hotlist_id).first()  # one import per list at a time
        if hotlist is None:
            raise NotFound("No such hotlist.")
        report.hotlist = hotlist.name
        if replace and not rows:
            raise InvalidInput(
                f"file: {path.name} has no valid row ({report.rejected} rejected); a refresh will not empty "
                f"hotlist {hotlist.name!r}. Deactivate the list instead if it really is empty."
            )
        created, changed, removed = _plan(hotlist, rows, user=user, now=now, replace=replace, report=report)
        if dry_run:
            return report
        _write(created, changed, removed, user=user, now=now)
        for entry in [*created, *(entry for entry, before, _ in changed if MATCH_FIELDS & set(before))]:
            report.hits += len(entry_match_retroactively(entry=entry, now=now))
        if user is not None:
            audit_record(
                actor=user,
                action="lpr.hotlist.import",
                object_ref=f"hotlist:{hotlist.pk}",
                details={"file": path.name, "mapping": Path(mapping.source).name, **report.counts()},
            )
    return report


def _checked_rows(path: Path, mapping: Mapping, report: HotlistImportReport, progress: Progress | None) -> list[_Row]:
    """The valid rows, each key once; every other row is rejected in the report. File problems raise."""
    filled = {rule.name for rule in mapping.rules} & set(HotlistEntryRecord().fields)
    cleared = {name: None if name in {"effective_from", "expires_at"} else "" for name in filled}
    rows: list[_Row] = []
    first_line: dict[tuple[str, ...], int] = {}
    try:
        total = count_lines(path)
        for line, cells, problem in csv_rows(path, mapping):
            report.rows += 1
            if progress is not None and report.rows % PROGRESS_EVERY == 0:
                progress(line, total)
            if problem:
                report.reject(line, problem)
                continue
            try:
                record = mapping.record_from_row(cells)
            except CellError as exc:
                report.reject(line, str(exc))
                continue
            serializer = HotlistEntryRecord(data=record)
            if not serializer.is_valid():
                report.reject(line, describe_errors(serializer.errors))
                continue
            row = _Row(line, {**cleared, **serializer.validated_data})
            if row.key in first_line:
                report.reject(line, f"{_describe_key(row.key)} was already given in line {first_line[row.key]}")
                continue
            first_line[row.key] = line
            rows.append(row)
    except MappingError as exc:
        raise InvalidInput(str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"file: {path.name} is not {mapping.encoding} text ({exc.reason} at byte {exc.start})"
        ) from exc
    except csv.Error as exc:
        raise InvalidInput(f"file: {path.name} is not a readable CSV file ({exc})") from exc
    except OSError as exc:
        raise InvalidInput(f"file: cannot read {path}: {exc.strerror or exc}") from exc
    if progress is not None:
        progress(total, total)
    return rows


def _describe_key(key: tuple[str, ...]) -> str:
    if key[0] == "id":
        return f"external_id {key[1]!r}"
    return f"plate {key[1]} ({key[2] or 'no state'})"


def _entry_key(entry: HotlistEntry) -> tuple[str, ...]:
    return ("id", entry.external_id) if entry.external_id else ("plate", entry.plate, entry.state)


Change = tuple[HotlistEntry, dict[str, Any], dict[str, Any]]  # entry, changed fields before, after


def _plan(
    hotlist: Hotlist,
    rows: list[_Row],
    *,
    user: AbstractBaseUser | None,
    now: dt.datetime,
    replace: bool,
    report: HotlistImportReport,
) -> tuple[list[HotlistEntry], list[Change], list[HotlistEntry]]:
    """Apply the rows to the list in memory: new entries, changed ones (with before/after), removed ones."""
    existing = list(HotlistEntry.objects.select_for_update().filter(hotlist=hotlist).order_by("-active", "pk"))
    by_key: dict[tuple[str, ...], HotlistEntry] = {}
    for entry in existing:
        by_key.setdefault(_entry_key(entry), entry)  # duplicates: the active (then oldest) one answers
    created: list[HotlistEntry] = []
    changed: list[Change] = []
    seen: set[int] = set()
    for row in rows:
        found = by_key.get(row.key)
        if found is None:
            entry = HotlistEntry(hotlist=hotlist, entered_by=user)  # type: ignore[misc]
            _fill(entry, row.data, now)
            created.append(entry)
        else:
            entry = found
            seen.add(entry.pk)
            before = _snapshot(entry)
            _fill(entry, row.data, now)
            after = _snapshot(entry)
            names = [name for name in after if before[name] != after[name]]
            if names:
                changed.append((entry, {n: before[n] for n in names}, {n: after[n] for n in names}))
            else:
                report.unchanged += 1
        if not entry.active:
            report.stored_inactive += 1
    removed = [entry for entry in existing if replace and entry.active and entry.pk not in seen]
    for entry in removed:
        entry.active = False
    report.created, report.updated, report.deactivated = len(created), len(changed), len(removed)
    return created, changed, removed


def _fill(entry: HotlistEntry, data: dict[str, Any], now: dt.datetime) -> None:
    for name, value in data.items():
        setattr(entry, name, value)
    entry.plate_confusable = confusable_form(entry.plate)
    # The file decides whether the plate is listed; an expiry already past means it is not (any more).
    entry.active = entry.expires_at is None or entry.expires_at > now


def _snapshot(entry: HotlistEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in SNAPSHOT_FIELDS}
    return {k: v.astimezone(dt.UTC).isoformat() if isinstance(v, dt.datetime) else v for k, v in values.items()}


def _write(
    created: list[HotlistEntry],
    changed: list[Change],
    removed: list[HotlistEntry],
    *,
    user: AbstractBaseUser | None,
    now: dt.datetime,
) -> None:
    HotlistEntry.objects.bulk_create(created, batch_size=1000)
    updated = [entry for entry, _, _ in changed] + removed
    for entry in updated:
        entry.updated_at = now
    HotlistEntry.objects.bulk_update(updated, WRITE_FIELDS, batch_size=1000)
    history = [HotlistEntryChange(entry=e, action="import", after=_snapshot(e)) for e in created]
    history += [HotlistEntryChange(entry=e, action="import", before=b, after=a) for e, b, a in changed]
    history += [
        HotlistEntryChange(entry=e, action="import", before={"active": True}, after={"active": False}) for e in removed
    ]
    for change in history:
        change.changed_by = user  # type: ignore[assignment]
    HotlistEntryChange.objects.bulk_create(history, batch_size=1000)


# --- the scheduled refresh --------------------------------------------------------------------


def mapping_path(name: str) -> Path:
    """A shipped hotlist mapping (lpr/mappings/) by file name, with or without `.json`; else a path."""
    if name and Path(name).name == name:
        for candidate in (MAPPINGS_DIR / name, MAPPINGS_DIR / f"{name}.json"):
            if candidate.is_file():
                return candidate
    return Path(name)


def hotlist_refresh(*, hotlist: Hotlist, now: dt.datetime | None = None) -> HotlistImportReport:
    """Re-import a hotlist's refresh file in replace mode; a file that cannot be read changes no entry."""
    now = now or timezone.now()
    if not hotlist.refresh_mapping:
        raise InvalidInput(f"refresh_mapping: hotlist {hotlist.name!r} has a refresh file but no mapping")
    try:
        mapping = load_mapping(mapping_path(hotlist.refresh_mapping))
    except MappingError as exc:
        raise InvalidInput(str(exc)) from exc
    report = hotlist_import(
        hotlist_id=hotlist.pk, path=Path(hotlist.refresh_path), mapping=mapping, replace=True, now=now
    )
    with transaction.atomic(durable=True):
        Hotlist.objects.filter(pk=hotlist.pk).update(last_refreshed_at=now)
        alert_services.alert_resolve_for_source(
            type=AlertType.FEED_SILENT, source_key=_alert_key(hotlist), note="Hotlist refreshed again"
        )
    return report


def hotlists_refresh(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Beat: refresh every active hotlist with a refresh file; a failure is logged and raised as an admin alert."""
    refreshed: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    for hotlist in Hotlist.objects.filter(active=True).exclude(refresh_path="").order_by("pk"):
        try:
            refreshed[hotlist.name] = hotlist_refresh(hotlist=hotlist, now=now).counts()
        except ApplicationError as exc:
            logger.error("hotlist %s (%s) not refreshed: %s", hotlist.pk, hotlist.name, exc.message)
            failed[hotlist.name] = exc.message
            _alert_refresh_failed(hotlist, exc.message)
    return {"refreshed": refreshed, "failed": failed}


def _alert_key(hotlist: Hotlist) -> str:
    return f"hotlist:{hotlist.pk}"


def _alert_refresh_failed(hotlist: Hotlist, message: str) -> None:
    since = f"last refreshed {hotlist.last_refreshed_at:%Y-%m-%d %H:%M}" if hotlist.last_refreshed_at else "never"
    with transaction.atomic(durable=True):
        alert_services.alert_raise_or_update(
            type=AlertType.FEED_SILENT,
            source_key=_alert_key(hotlist),
            priority=2,
            title=f"Hotlist {hotlist.name} not refreshed"[:200],
            detail=f"{message} ({since}; the entries stay as they were).",
            audience=AlertAudience.ADMIN,
        )
        alert_services.alert_reopen_for_source(type=AlertType.FEED_SILENT, source_key=_alert_key(hotlist))
