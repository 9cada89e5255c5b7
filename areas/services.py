"""Writes of the areas app: importing beats and districts, deriving districts from beats."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from areas.choices import AreaKind
from areas.imports import AreaFileError, Fields, ParsedFile, read_areas
from areas.models import Beat, District
from rtcc.outbox import record_events

DERIVED_SOURCE = "derived from beats"


@dataclass
class ImportSummary:
    kind: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    reoriented_rings: int = 0
    features: int = 0
    merged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    districts_derived: int | None = None
    dry_run: bool = False

    def lines(self) -> list[str]:
        verb = "would be " if self.dry_run else ""
        out = [
            f"{self.kind}: {self.created} {verb}created, {self.updated} {verb}updated, {self.deleted} {verb}deleted",
            f"features read: {self.features}; parts merged into an area with the same code: {len(self.merged)}",
            f"rings re-oriented to RFC 7946 (exterior counter-clockwise): {self.reoriented_rings}",
            f"geometries repaired with MakeValid: {len(self.repaired)}",
            f"features rejected: {len(self.rejected)}",
        ]
        out += [f"  merged {item}" for item in self.merged]
        out += [f"  repaired {item}" for item in self.repaired]
        out += [f"  rejected {item}" for item in self.rejected]
        if self.districts_derived is not None:
            out.append(f"districts derived from beats: {self.districts_derived}")
        return out


def areas_import(
    *,
    text: str,
    kind: AreaKind,
    fields: Fields,
    source: str,
    dry_run: bool = False,
    replace: bool = False,
    skip_rejected: bool = False,
    derive_districts: bool = False,
) -> ImportSummary:
    """Import a beats or districts FeatureCollection by code; all or nothing.

    A rejected feature fails the whole file unless `skip_rejected`; `replace` deletes the rows of
    that kind the file does not name. Raises AreaFileError with every problem found.
    """
    parsed = read_areas(text, fields)
    summary = ImportSummary(
        kind=kind.value,
        reoriented_rings=parsed.reoriented_rings,
        features=parsed.features,
        merged=parsed.merged,
        repaired=parsed.repaired,
        rejected=parsed.rejected,
        dry_run=dry_run,
    )
    if parsed.rejected and not skip_rejected:
        raise AreaFileError(parsed.rejected)
    if not parsed.records:
        raise AreaFileError(["features: no feature could be imported"])
    model = Beat if kind == AreaKind.BEATS else District
    codes = [record.code for record in parsed.records]
    existing = set(model.objects.filter(code__in=codes).values_list("code", flat=True))
    summary.created = len(codes) - len(existing)
    summary.updated = len(existing)
    summary.deleted = model.objects.exclude(code__in=codes).count() if replace else 0
    if derive_districts and kind == AreaKind.BEATS:
        summary.districts_derived = len({r.district_code for r in parsed.records if r.district_code})
    if dry_run:
        return summary
    with transaction.atomic(durable=True):
        _write(parsed, kind, source, replace)
        if derive_districts and kind == AreaKind.BEATS:
            summary.districts_derived = _derive_districts()
        record_events(
            stream="ops",
            events=[("areas.imported", {"kind": kind.value, "created": summary.created, "updated": summary.updated})],
        )
    return summary


def _write(parsed: ParsedFile, kind: AreaKind, source: str, replace: bool) -> None:
    now = timezone.now()
    codes = [record.code for record in parsed.records]
    if kind == AreaKind.BEATS:
        beats = [
            Beat(
                code=r.code,
                district_code=r.district_code,
                sector=r.sector,
                area=r.area,
                source=source,
                imported_at=now,
            )
            for r in parsed.records
        ]
        Beat.objects.bulk_create(
            beats,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["district_code", "sector", "area", "source", "imported_at"],
        )
        if replace:
            Beat.objects.exclude(code__in=codes).delete()
        return
    districts = [
        District(code=r.code, name=r.name or f"District {r.code}", area=r.area, source=source, imported_at=now)
        for r in parsed.records
    ]
    District.objects.bulk_create(
        districts,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "area", "source", "imported_at"],
    )
    if replace:
        District.objects.exclude(code__in=codes).delete()


def _derive_districts() -> int:
    """Districts as the union of their beats (ST_Union, valid, RFC-oriented); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO areas_district (code, name, area, source, imported_at)
            SELECT district_code, 'District ' || district_code,
                   ST_Multi(ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_Union(area)), 3))),
                   %s, %s
            FROM areas_beat WHERE district_code <> ''
            GROUP BY district_code
            ON CONFLICT (code) DO UPDATE
              SET area = EXCLUDED.area, source = EXCLUDED.source, imported_at = EXCLUDED.imported_at
            """,
            [DERIVED_SOURCE, timezone.now()],
        )
        return cursor.rowcount
