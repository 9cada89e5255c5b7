"""Query lookups the plate search uses as filter expressions."""

from __future__ import annotations

from typing import Any, Protocol

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.db.models.sql.compiler import SQLCompiler


class _Circle(Protocol):
    lat: float
    lon: float
    radius_m: float


class PlateLike(Lookup):
    """`plate LIKE pattern` as a filter expression (no `__like` lookup exists; the trigram index serves it)."""

    lookup_name = "rtcc_like"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} LIKE %s", (*lhs_params, self.rhs)


class WithinMetres(Lookup):
    """ST_DWithin on geography: distances in metres, never degrees."""

    lookup_name = "rtcc_within_metres"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        circle: _Circle = self.rhs
        sql = f"ST_DWithin({lhs}::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)"
        return sql, (*lhs_params, circle.lon, circle.lat, circle.radius_m)
