"""Map layer GeoJSON: the incidents layer API for a bbox holding 10,000 features, against the raw indexed SQL.

Run through `make bench`. Creates its own database (`rtcc_bench_map_layer`, migrated like any
other), seeds 100,000 located incidents (10,000 inside the bbox the map asks for, 90,000 in a ring
around it, so the bbox index has something to skip) and drops the database before it exits.

Server time is measured in process with Django's test Client (middleware, authentication, the
capability check, django-filter, the bbox filter, GeoJSON serialisation and JSON rendering; no
socket, no HTTP parsing): `GET /api/v1/incidents/layer/?bbox=…&page_size=10000` as an analyst,
which is what the ops map's heatmap asks for. The payload size is the response body in bytes.

Baseline, in the same run and for the same rows: PostgreSQL builds the whole FeatureCollection
itself (`json_agg(ST_AsGeoJSON(row))` over the same `location && envelope` GiST lookup, same
order) and the bytes are fetched into Python. Also printed: the SQL part of the API call (the
time Django's cursor spent), a plain `id, ST_AsGeoJSON(location)` fetch, the plan of the API's
query (which index, how many rows), and the same call through rest_framework_gis (the path before
rtcc/api/geojson.py wrote the page in PostgreSQL; 3 calls, it takes seconds).
The last line is the JSON that bench/run.py collects.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")
os.environ["RTCC_MFA_REQUIRED"] = "0"  # the test Client signs in with force_login, without a second factor

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import user_ensure_with_role  # noqa: E402
from rtcc.api import geojson  # noqa: E402

DATABASE = os.environ.get("BENCH_MAP_DATABASE", "rtcc_bench_map_layer")
INSIDE = int(os.environ.get("BENCH_MAP_FEATURES", "10000"))
OUTSIDE = 9 * INSIDE  # the bbox holds a tenth of the table: the GiST lookup is worth using
REPEATS = int(os.environ.get("BENCH_MAP_REPEATS", "20"))
DRF_GIS_REPEATS = 3  # the old path takes seconds a call
WARMUP = 3
TARGET_MS = 150.0
SEED = 0.2031  # setseed() takes a number in [-1, 1]
BBOX = (-88.0, 43.0, -87.9, 43.1)  # minLon, minLat, maxLon, maxLat: about 8 x 11 km of a city
LAYER_URL = "/api/v1/incidents/layer/"
FIELDS = (
    "id, source, external_id, call_type, final_call_type, priority, status, received_at, dispatched_at, "
    "arrived_at, closed_at, address, location_status, beat, district, disposition, updated_at"
)
ENVELOPE = "ST_MakeEnvelope(%(min_lon)s, %(min_lat)s, %(max_lon)s, %(max_lat)s, 4326)"

# Points inside the bbox for the first INSIDE rows, in a ring up to 0.1° around it for the rest.
SEED_SQL = """
INSERT INTO incidents_incident (
    source, external_id, call_type, final_call_type, priority, status, received_at, dispatched_at, arrived_at,
    closed_at, address, location, location_status, beat, district, disposition, narrative, created_at, updated_at
)
SELECT 'bench-map', 'MAP-' || g, (ARRAY['SHOTS FIRED','TRBL W/SUBJ','THEFT','ACC PD','WELFARE CHECK'])[1 + g %% 5],
       '', 1 + g %% 5, (ARRAY['received','dispatched','on_scene','closed'])[1 + g %% 4],
       now() - (random() * interval '24 hours'), NULL, NULL, NULL, (100 + g %% 900) || ' N MAIN ST',
       CASE WHEN g <= %(inside)s
            THEN ST_SetSRID(ST_MakePoint(%(min_lon)s + random() * (%(max_lon)s - %(min_lon)s),
                                         %(min_lat)s + random() * (%(max_lat)s - %(min_lat)s)), 4326)
            ELSE ST_SetSRID(ST_MakePoint(
                     CASE WHEN g %% 2 = 0 THEN %(min_lon)s - 0.001 - random() * 0.1
                          ELSE %(max_lon)s + 0.001 + random() * 0.1 END,
                     %(min_lat)s - 0.1 + random() * (%(max_lat)s - %(min_lat)s + 0.2)), 4326)
       END,
       'ok', (1 + g %% 40)::text, (1 + g %% 7)::text, '', '', now(), now()
FROM generate_series(1, %(total)s) g
"""

FEATURE_COLLECTION_SQL = f"""
SELECT json_build_object(
    'type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(t.*)::json), '[]')
)::text
FROM (
    SELECT {FIELDS}, location FROM incidents_incident
    WHERE location && {ENVELOPE} ORDER BY received_at DESC, id DESC
) t
"""  # noqa: S608 (constant SQL; values are bound parameters)

PLAIN_SQL = f"""
SELECT id, ST_AsGeoJSON(location) FROM incidents_incident
WHERE location && {ENVELOPE} ORDER BY received_at DESC, id DESC
"""  # noqa: S608 (constant SQL)


def bbox_params() -> dict[str, float]:
    min_lon, min_lat, max_lon, max_lat = BBOX
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def seed() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [SEED])
        cursor.execute(SEED_SQL, {**bbox_params(), "inside": INSIDE, "total": INSIDE + OUTSIDE})
        cursor.execute("ANALYZE incidents_incident")
        cursor.execute(f"SELECT count(*) FROM incidents_incident WHERE location && {ENVELOPE}", bbox_params())  # noqa: S608
        (inside,) = cursor.fetchone()
    if inside != INSIDE:
        raise SystemExit(f"seeding went wrong: {inside} incidents in the bbox, expected {INSIDE}")
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def figures(label: str, millis: list[float]) -> dict[str, float]:
    return {
        f"{label}_p50_ms": round(statistics.median(millis), 1),
        f"{label}_p95_ms": round(percentile(millis, 0.95), 1),
        f"{label}_min_ms": round(min(millis), 1),
    }


def call_layer(client: Client) -> tuple[float, float, int, int, str]:
    """(server ms, SQL ms within it, payload bytes, features, the layer query's SQL) of one API call."""
    bbox = ",".join(str(value) for value in BBOX)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(LAYER_URL, {"bbox": bbox, "page_size": str(INSIDE)}, HTTP_ACCEPT="application/json")
        body = response.content
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"layer API answered {response.status_code}: {body[:300]!r}")
    features = len(json.loads(body)["features"])
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    layer_sql = next((q["sql"] for q in queries.captured_queries if "&&" in q["sql"] and "LIMIT" in q["sql"]), "")
    return elapsed, sql_ms, len(body), features, layer_sql


def rest_framework_gis_layer(client: Client) -> float:
    """ms of the same API call through rest_framework_gis (the SQL page switched off), for the ratio
    to what the layer did before rtcc/api/geojson.py."""
    original = geojson.sql_features_for
    geojson.sql_features_for = lambda serializer_class: None  # type: ignore[assignment]
    try:
        return call_layer(client)[0]
    finally:
        geojson.sql_features_for = original


def raw(sql: str) -> tuple[float, int]:
    """(ms, bytes or rows) of one raw query, fetched."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, bbox_params())
        rows = cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(rows[0][0]) if len(rows) == 1 else len(rows)


def explain(sql: str) -> tuple[str, float]:
    """Scan nodes (with rows) and execution ms of one query, by EXPLAIN ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    scans: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Scan" in node["Node Type"]:
            on = node.get("Index Name") or node.get("Relation Name")
            scans.append(f"{node['Node Type']} on {on} ({node.get('Actual Rows')} rows)")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return "; ".join(scans), plan["Execution Time"]


def measure(client: Client) -> dict[str, Any]:
    """API call, raw FeatureCollection and plain rows in turn, so that machine drift affects all alike."""
    timings: dict[str, list[float]] = {"api": [], "api_sql": [], "raw_collection": [], "raw_rows": [], "drf_gis": []}
    sizes: dict[str, int] = {}
    layer_sql = ""
    for n in range(WARMUP + REPEATS):
        api_ms, sql_ms, payload, features, layer_sql = call_layer(client)
        collection_ms, collection_bytes = raw(FEATURE_COLLECTION_SQL)
        rows_ms, rows = raw(PLAIN_SQL)
        if not features == rows == INSIDE:
            raise SystemExit(f"expected {INSIDE} features: API {features}, plain query {rows}")
        if n >= WARMUP and n < WARMUP + DRF_GIS_REPEATS:
            timings["drf_gis"].append(rest_framework_gis_layer(client))
        if n >= WARMUP:
            timings["api"].append(api_ms)
            timings["api_sql"].append(sql_ms)
            timings["raw_collection"].append(collection_ms)
            timings["raw_rows"].append(rows_ms)
        sizes = {"api_payload_bytes": payload, "raw_collection_bytes": collection_bytes}
    return {"timings": timings, "sizes": sizes, "layer_sql": layer_sql}


def main() -> dict[str, Any]:
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        seconds_to_seed = seed()
        user = user_ensure_with_role(username="bench-analyst", password=secrets.token_urlsafe(24), role=Role.ANALYST)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)  # type: ignore[arg-type]
        measured = measure(client)
        plan_scans, plan_ms = explain(measured["layer_sql"]) if measured["layer_sql"] else ("not found", 0.0)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    timings, sizes = measured["timings"], measured["sizes"]
    api_p50 = statistics.median(timings["api"])
    baseline_p50 = statistics.median(timings["raw_collection"])
    return {
        "id": "map_layer",
        "what": f"P3: GET {LAYER_URL}?bbox=…&page_size={INSIDE} as an analyst, in process (Django test Client: "
        f"middleware, auth, filters, GeoJSON serialisation, rendering; no socket), {INSIDE} incidents in the bbox "
        f"and {OUTSIDE} around it, {REPEATS} calls; baseline: PostgreSQL builds the same FeatureCollection "
        "(json_agg(ST_AsGeoJSON(row)) over the same `location && envelope` GiST lookup), fetched",
        "features": INSIDE,
        "incidents_seeded": INSIDE + OUTSIDE,
        "seed_seconds": round(seconds_to_seed, 1),
        **figures("api", timings["api"]),
        "api_sql_p50_ms": round(statistics.median(timings["api_sql"]), 1),
        **figures("raw_collection", timings["raw_collection"]),
        "raw_rows_p50_ms": round(statistics.median(timings["raw_rows"]), 1),
        "before_rest_framework_gis_p50_ms": round(statistics.median(timings["drf_gis"]), 1),
        "speed_up_vs_before": round(statistics.median(timings["drf_gis"]) / api_p50, 1),
        **sizes,
        "api_payload_mb": round(sizes["api_payload_bytes"] / 1e6, 2),
        "layer_query_plan": plan_scans,
        "layer_query_explain_ms": round(plan_ms, 1),
        "target": f"p50 <= {TARGET_MS:.0f} ms",
        "ratio": round(api_p50 / baseline_p50, 2),
        "verdict": "pass" if api_p50 <= TARGET_MS else "miss",
    }


if __name__ == "__main__":
    outcome = main()
    for key, value in outcome.items():
        if key not in {"id", "what"}:
            print(f"{key}: {value}")
    print(json.dumps(outcome))
