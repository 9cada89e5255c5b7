"""GeoJSON features built by PostgreSQL, for layer serializers made only of plain model columns.

rest_framework_gis turns every row into a model instance, every geometry into GEOS and then JSON,
and every property through a DRF field: about 0.5 ms a feature, so a 10,000-feature page took
5 s (docs/performance.md, P3). For a `GeoFeatureModelSerializer` whose fields are all plain
columns, PostgreSQL can write the same features itself (`json_build_object` + `ST_AsGeoJSON`)
from the same filtered, ordered and sliced queryset; Python only joins the bytes.

The output is the serializer's, feature for feature: `id`, `type`, `geometry`, `properties` in the
serializer's field order. Timestamps are written in the agency's time zone (`TIME_ZONE`), as DRF
writes them; PostgreSQL leaves out trailing zeros of the fraction (`…:05.12-06:00` where Python
writes `…:05.120000-06:00`): the same instant in the same ISO 8601 form.
`tests/rtcc/test_geojson_sql.py` compares both paths on every layer that takes this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

# Column types whose PostgreSQL JSON form is what DRF's default field for them writes.
PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "CharField",
        "TextField",
        "SlugField",
        "BooleanField",
        "DateField",
        "DateTimeField",
        "FloatField",
        "ForeignKey",
        "OneToOneField",
    }
)


@dataclass(frozen=True)
class SqlFeatures:
    """How to write one serializer's features in SQL."""

    id_field: str | None
    geo_field: str
    properties: tuple[str, ...]


_PLANS: dict[type[Any], SqlFeatures | None] = {}


def sql_features_for(serializer_class: type[Any]) -> SqlFeatures | None:
    """The SQL plan for `serializer_class`, or None when a field needs Python (declared, method or
    source fields, a bbox, a non-plain column): such layers keep rest_framework_gis."""
    if serializer_class not in _PLANS:
        _PLANS[serializer_class] = _plan(serializer_class)
    return _PLANS[serializer_class]


def _plan(serializer_class: type[Any]) -> SqlFeatures | None:
    meta = getattr(serializer_class, "Meta", None)
    model = getattr(meta, "model", None)
    fields = getattr(meta, "fields", None)
    geo_field = getattr(meta, "geo_field", None)
    if model is None or not isinstance(fields, list | tuple) or not geo_field:
        return None
    if serializer_class._declared_fields or getattr(meta, "extra_kwargs", None):
        return None
    if getattr(meta, "auto_bbox", False) or getattr(meta, "bbox_geo_field", None):
        return None
    id_field = getattr(meta, "id_field", None)
    if id_field is None and not hasattr(meta, "id_field"):
        id_field = model._meta.pk.name  # rest_framework_gis's default
    concrete = {field.name: field for field in model._meta.concrete_fields}
    if geo_field not in concrete or not isinstance(concrete[geo_field], GeometryField):
        return None
    for name in fields:
        if name == geo_field:
            continue
        field = concrete.get(name)
        if field is None or field.get_internal_type() not in PLAIN_TYPES:
            return None
    if id_field and id_field not in fields:
        return None
    properties = tuple(name for name in fields if name not in {geo_field, id_field})
    return SqlFeatures(id_field=id_field or None, geo_field=geo_field, properties=properties)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def features_json(queryset: QuerySet[Any], plan: SqlFeatures) -> bytes:
    """The features of `queryset` (already filtered, ordered and sliced), comma-separated JSON."""
    names = [*([plan.id_field] if plan.id_field else []), *plan.properties]
    rows = queryset.annotate(_rtcc_geojson=AsGeoJSON(plan.geo_field, precision=9)).values(*names, "_rtcc_geojson")
    try:
        inner_sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # an empty page (Django slices [0:0] when nothing matched)
        return b""
    # `.values()` selects the named fields in order, then the annotation: alias them positionally.
    aliases = [f"c{index}" for index in range(len(names))]
    column = dict(zip(names, aliases, strict=True))
    pairs = ", ".join(f"'{name}', t.{column[name]}" for name in plan.properties)
    feature = "json_build_object(" + (f"'id', t.{column[plan.id_field]}, " if plan.id_field else "")
    feature += f"'type', 'Feature', 'geometry', t.geojson::json, 'properties', json_build_object({pairs}))"
    sql = (
        f"SELECT coalesce(string_agg({feature}::text, ','), '') "  # noqa: S608 (names come from the model)
        f"FROM ({inner_sql}) AS t({', '.join([*aliases, 'geojson'])})"
    )
    with connection.cursor() as cursor:
        # Timestamps in the agency's zone, as DRF writes them; the connection's own zone (UTC) is
        # put back at once. Were the query to fail inside a transaction, the rollback undoes the SET.
        cursor.execute("SELECT current_setting('TimeZone'), set_config('TimeZone', %s, false)", [settings.TIME_ZONE])
        (zone, _) = cursor.fetchone()
        try:
            cursor.execute(sql, params)
            (text,) = cursor.fetchone()
        finally:
            cursor.execute("SELECT set_config('TimeZone', %s, false)", [zone])
    return text.encode()
