"""Cameras near a spot with 100,000 cameras: cameras.selectors.cameras_nearby against a plain indexed ST_DWithin.

Run through `make bench`. Creates its own database (`rtcc_bench_cameras`, migrated like any other),
fills it with seeded random cameras over a city-sized square, and drops it before it exits: the
development database is never touched. For the same random points it times the selector (ranking,
cone test, model fetch), its SQL alone, and the bare `ST_DWithin` id query on the same GiST index;
prints p50/p95/p99 of each, the selector/baseline ratio, the 5 ms p50 target, and whether the plan
of the selector's query uses the index. The last line is the JSON that bench/run.py collects.
"""

from __future__ import annotations

import json
import math
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import user_ensure_with_role  # noqa: E402
from cameras.selectors import NEARBY_SQL, cameras_nearby  # noqa: E402

DATABASE = os.environ.get("BENCH_CAMERAS_DATABASE", "rtcc_bench_cameras")
CAMERAS = int(os.environ.get("BENCH_CAMERAS", "100000"))
QUERIES = int(os.environ.get("BENCH_CAMERAS_QUERIES", "500"))
WARMUP = 50
RADIUS_M = 300
TARGET_P50_MS = 5.0
SEED = 2031
CENTER = (43.05, -87.95)  # (lat, lon)
HALF_SIDE_M = 8000  # a 16 km square, about the size of a city's dense core and inner neighbourhoods
HOTSPOTS = 25  # commercial corridors and campuses: a third of the cameras cluster around them
INDEX = "camera_location_geog_idx"
METRES_PER_DEGREE_LAT = 111_320

PLAIN_SQL = """
SELECT id FROM cameras_camera
WHERE ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(radius)s)
"""

# The view cone computed in SQL for every seeded row: a fan of arc points every 5 degrees for
# directed cameras, a geodesic buffer for 360-degree ones, NULL when the direction is unknown.
INSERT_SQL = """
INSERT INTO cameras_camera (
    reference, name, owner_name, owner_type, contact_name, contact_phone, contact_email, contact_after_hours,
    address, location, heading, fov, range_m, view_cone, tier, stream_url, stream_credentials_encrypted,
    retention_days, recording_hours, mou_file, mou_expires_on, status, rejection_reason, health, health_detail,
    tags, snapshot, source, external_id, created_at, updated_at
)
SELECT 'CAM-B' || lpad(s.n::text, 7, '0'), 'Bench camera ' || s.n, 'Bench owner', s.owner_type, '', '', '', '',
       '', p.pt, s.heading, s.fov, s.range_m,
       COALESCE(sector.geom, CASE WHEN s.fov >= 360 THEN ST_Buffer(p.pt::geography, s.range_m)::geometry END),
       s.tier, '', '', s.retention_days, '', '', s.mou_expires_on, s.status, '', s.health, '',
       '{}', '', 'import', 'bench-' || s.n, now(), now()
FROM bench_seed s
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) AS pt) p
CROSS JOIN LATERAL (
    SELECT CASE WHEN count(*) > 0 THEN ST_MakePolygon(ST_MakeLine(
               ARRAY[p.pt]
               || array_agg(ST_Project(p.pt::geography, s.range_m,
                                       radians(s.heading - s.fov / 2 + s.fov * k / steps.n))::geometry ORDER BY k)
               || ARRAY[p.pt]))
           END AS geom
    FROM (SELECT greatest(2, ceil(s.fov / 5))::int AS n) steps, generate_series(0, steps.n) k
    WHERE s.heading IS NOT NULL AND s.fov < 360
) sector
"""


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return (
        lat + north_m / METRES_PER_DEGREE_LAT,
        lon + east_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))),
    )


def random_spot(rng: random.Random) -> tuple[float, float]:
    return offset(*CENTER, rng.uniform(-HALF_SIDE_M, HALF_SIDE_M), rng.uniform(-HALF_SIDE_M, HALF_SIDE_M))


def seed_rows(rng: random.Random) -> list[tuple[Any, ...]]:
    today = timezone.localdate()
    hotspots = [random_spot(rng) for _ in range(HOTSPOTS)]
    rows = []
    for n in range(1, CAMERAS + 1):
        if rng.random() < 1 / 3:
            lat, lon = offset(*rng.choice(hotspots), rng.gauss(0, 400), rng.gauss(0, 400))
        else:
            lat, lon = random_spot(rng)
        fov = 360.0 if rng.random() < 0.1 else rng.choice([45.0, 60.0, 90.0, 110.0])
        heading = None if rng.random() < 0.05 else round(rng.uniform(0, 359.9), 1)
        mou = today + timedelta(days=rng.randint(-60, 700)) if rng.random() < 0.3 else None
        rows.append(
            (
                n,
                lon,
                lat,
                heading,
                fov,
                rng.choice([30.0, 50.0, 80.0, 120.0, 200.0]),
                rng.choices(["register", "footage", "live"], weights=[30, 50, 20])[0],
                rng.choices(["approved", "pending", "retired"], weights=[85, 10, 5])[0],
                rng.choices(["online", "offline", "unknown"], weights=[70, 10, 20])[0],
                rng.choice(["city", "traffic", "school", "transit", "business", "residential"]),
                mou,
                rng.choice([None, 7, 14, 30, 90]),
            )
        )
    return rows


def seed(rng: random.Random) -> float:
    rows = seed_rows(rng)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_seed (n int, lon float8, lat float8, heading float8, fov float8, range_m float8,"
            " tier text, status text, health text, owner_type text, mou_expires_on date, retention_days smallint)"
        )
        with cursor.copy("COPY bench_seed FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(INSERT_SQL)
        cursor.execute("DROP TABLE bench_seed")
        cursor.execute("ANALYZE cameras_camera")
        cursor.execute("SELECT count(*), count(view_cone) FROM cameras_camera")
        count, with_cone = cursor.fetchone()
    if count != CAMERAS or with_cone < CAMERAS * 0.9:
        raise SystemExit(f"seeding went wrong: {count} cameras, {with_cone} with a cone")
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def figures(label: str, millis: list[float]) -> dict[str, float]:
    return {
        f"{label}_p50_ms": round(statistics.median(millis), 3),
        f"{label}_p95_ms": round(percentile(millis, 0.95), 3),
        f"{label}_p99_ms": round(percentile(millis, 0.99), 3),
    }


def nearby_params(lat: float, lon: float) -> dict[str, Any]:
    """The parameters cameras_nearby binds into NEARBY_SQL for an analyst."""
    return {
        "lat": lat,
        "lon": lon,
        "radius": RADIUS_M,
        "limit": 50,
        "today": timezone.localdate(),
        "live": "live",
        "offline": "offline",
        "approved": "approved",
    }


def measure(user: Any, spots: list[tuple[float, float]]) -> dict[str, list[float]]:
    """Each query for every spot in turn, so that drift in the machine affects all of them alike."""
    timings: dict[str, list[float]] = {"nearby": [], "nearby_sql": [], "plain_dwithin": []}
    counts: dict[str, list[float]] = {"returned": [], "in_radius": []}
    with connection.cursor() as cursor:
        for lat, lon in spots:
            started = time.perf_counter()
            found = cameras_nearby(user=user, lat=lat, lon=lon, radius_m=RADIUS_M)
            selector_done = time.perf_counter()
            cursor.execute(NEARBY_SQL, nearby_params(lat, lon))
            cursor.fetchall()
            sql_done = time.perf_counter()
            cursor.execute(PLAIN_SQL, {"lat": lat, "lon": lon, "radius": RADIUS_M})
            ids = cursor.fetchall()
            plain_done = time.perf_counter()
            timings["nearby"].append((selector_done - started) * 1000)
            timings["nearby_sql"].append((sql_done - selector_done) * 1000)
            timings["plain_dwithin"].append((plain_done - sql_done) * 1000)
            counts["returned"].append(len(found))
            counts["in_radius"].append(len(ids))
    return {**timings, **counts}


def explain(lat: float, lon: float) -> tuple[bool, str, float]:
    """EXPLAIN ANALYZE of the selector's query: is the geography GiST index used, and how."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + NEARBY_SQL, nearby_params(lat, lon))
        (plan,) = cursor.fetchone()
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    scans = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Relation Name") == "cameras_camera" or "Index Name" in node:
            scans.append(f"{node['Node Type']} on {node.get('Index Name', node.get('Relation Name'))}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return any(INDEX in scan for scan in scans), "; ".join(scans), plan["Execution Time"]


def main() -> dict[str, Any]:
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rng = random.Random(SEED)
        seconds_to_seed = seed(rng)
        user = user_ensure_with_role(username="bench-analyst", password=secrets.token_urlsafe(24), role=Role.ANALYST)
        spots = [random_spot(rng) for _ in range(WARMUP + QUERIES)]
        measure(user, spots[:WARMUP])
        measured = measure(user, spots[WARMUP:])
        index_used, scans, explain_ms = explain(*spots[-1])
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    result: dict[str, Any] = {
        "id": "cameras_nearby",
        "what": f"cameras.selectors.cameras_nearby (rank, cone test, fetch models; limit 50) at {RADIUS_M} m, "
        f"{QUERIES} random spots, {CAMERAS} seeded cameras over a {2 * HALF_SIDE_M // 1000} km square; "
        f"baseline: plain `SELECT id … WHERE ST_DWithin(location::geography, pt, {RADIUS_M})` at the same spots",
        "cameras": CAMERAS,
        "seed_seconds": round(seconds_to_seed, 1),
        **figures("nearby", measured["nearby"]),
        **figures("nearby_sql", measured["nearby_sql"]),
        **figures("plain_dwithin", measured["plain_dwithin"]),
        "ratio_p50": round(statistics.median(measured["nearby"]) / statistics.median(measured["plain_dwithin"]), 2),
        "mean_cameras_in_radius": round(statistics.mean(measured["in_radius"]), 1),
        "mean_cameras_returned": round(statistics.mean(measured["returned"]), 1),
        "target_p50_ms": TARGET_P50_MS,
        "target": "pass" if statistics.median(measured["nearby"]) <= TARGET_P50_MS else "miss",
        "gist_geography_index_used": index_used,
        "plan_scans": scans,
        "explain_analyze_ms": round(explain_ms, 3),
    }
    return result


if __name__ == "__main__":
    outcome = main()
    for key, value in outcome.items():
        if key not in {"id", "what"}:
            print(f"{key}: {value}")
    print(json.dumps(outcome))
