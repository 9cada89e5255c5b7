"""Dashboard queries at 1M incidents and 10M LPR reads: every metric table of every dashboard.

Run through `make bench` (or alone: `.venv/bin/python bench/analytics_dashboard.py`; smaller with
BENCH_ANALYTICS_INCIDENTS / BENCH_ANALYTICS_READS). Creates its own database
(`rtcc_bench_analytics`, migrated like any other), generates seeded data set-based in SQL,
refreshes the rollups (timed: that is the beat task's cost), then times each dashboard as a page
builds it (all its tables) over a 30-day and a 365-day range, the hotspot queries and the public
transparency figures. The baseline is the raw indexed query a dashboard would need without the
rollups: incidents per call type over the range, and reads per day over the range, straight from
the base tables. Prints p50/p95 per dashboard and per table, the target (p50 <= 1 s per dashboard)
and drops the database before it exits. The last line is the JSON that bench/run.py collects.

`make bench` runs it right after bench/lpr_ingest.py, which leaves its database (`--keep`) holding
the 10M reads of its plate search, generated the same way (`generate` below is lpr_ingest's):
BENCH_ANALYTICS_REUSE_DATABASE names that database, the reads are used as they are (about five
minutes of generation saved), the rest is seeded beside them, and the database is dropped at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402

from analytics.dashboards import dashboards  # noqa: E402
from analytics.filters import MetricFilter, local_today  # noqa: E402
from analytics.rollups import refresh_rollups  # noqa: E402
from bench.lpr_ingest import generate, seed_feed  # noqa: E402

DATABASE = os.environ.get("BENCH_ANALYTICS_DATABASE", "rtcc_bench_analytics")
REUSE_DATABASE = os.environ.get("BENCH_ANALYTICS_REUSE_DATABASE", "")
INCIDENTS = int(os.environ.get("BENCH_ANALYTICS_INCIDENTS", "1000000"))
READS = int(os.environ.get("BENCH_ANALYTICS_READS", "10000000"))
RUNS = int(os.environ.get("BENCH_ANALYTICS_RUNS", "7"))
TARGET_P50_S = 1.0
SEED = 2041
CENTER = (43.05, -87.95)  # (lat, lon)
DAYS = 365
CALL_TYPES = ["ASSAULT", "BURGLARY", "ROBBERY", "SHOTS", "THEFT", "AUTO THEFT", "DISTURBANCE", "TRAFFIC", "WELFARE"]
DISTRICTS = 4
BEATS_PER_DISTRICT = 5
ADDRESSES = 60_000
CAMERAS = 3_000

# A 4 x 5 grid of beats over the city square; districts are columns of beats.
AREA_SQL = """
INSERT INTO areas_beat (code, district_code, sector, area, source, imported_at)
SELECT 'B' || d || b, 'D' || d, '', ST_Multi(ST_MakeEnvelope(
           %(west)s + (d - 1) * %(dx)s, %(south)s + (b - 1) * %(dy)s,
           %(west)s + d * %(dx)s, %(south)s + b * %(dy)s, 4326)), 'bench', now()
FROM generate_series(1, %(districts)s) d, generate_series(1, %(beats)s) b;
INSERT INTO areas_district (code, name, area, source, imported_at)
SELECT district_code, 'District ' || district_code, ST_Multi(ST_Union(area)), 'derived from beats', now()
FROM areas_beat GROUP BY district_code;
"""

INCIDENT_SQL = """
INSERT INTO incidents_incident (source, external_id, call_type, final_call_type, priority, status, received_at,
    dispatched_at, closed_at, address, location, location_status, beat, district, disposition, narrative,
    created_at, updated_at)
SELECT 'bench-cad', 'C' || g, ct, CASE WHEN g %% 20 = 0 THEN 'DISTURBANCE' ELSE '' END, 1 + g %% 5, 'closed', t,
       t + interval '4 minutes', t + interval '1 hour', (g * 7919 %% %(addresses)s) || ' N BENCH ST',
       CASE WHEN g %% 50 = 0 THEN NULL ELSE pt END, CASE WHEN g %% 50 = 0 THEN 'missing' ELSE 'ok' END,
       CASE WHEN g %% 50 = 0 THEN '' ELSE 'B' || dcol || brow END, CASE WHEN g %% 50 = 0 THEN '' ELSE 'D' || dcol END,
       '', '', t, t
FROM generate_series(1, %(count)s::bigint) g
CROSS JOIN LATERAL (SELECT abs(hashint8(g)) AS h) r
CROSS JOIN LATERAL (
    SELECT now() - (r.h %% (%(days)s * 86400)) * interval '1 second' AS t,
           (%(call_types)s::text[])[1 + (r.h / 7) %% %(n_types)s] AS ct,
           (r.h / 101 %% 100000) / 100000.0 AS fx, (r.h / 10000001 %% 100000) / 100000.0 AS fy
) v
CROSS JOIN LATERAL (
    SELECT ST_SetSRID(ST_MakePoint(%(west)s + v.fx * %(width)s, %(south)s + v.fy * %(height)s), 4326) AS pt,
           1 + floor(v.fx * %(districts)s)::int AS dcol, 1 + floor(v.fy * %(beats)s)::int AS brow
) p
"""

CAMERA_SQL = """
INSERT INTO cameras_camera (reference, name, owner_name, owner_type, contact_name, contact_phone, contact_email,
    contact_after_hours, address, location, heading, fov, range_m, view_cone, tier, stream_url,
    stream_credentials_encrypted, retention_days, recording_hours, mou_file, status, rejection_reason, health,
    health_detail, tags, snapshot, source, external_id, created_at, updated_at)
SELECT 'CAM-A' || lpad(g::text, 7, '0'), 'Bench camera ' || g, 'Owner ' || g,
       (ARRAY['business','residence','school','city'])[1 + g %% 4], '', '', '', '', '', pt, NULL, 360, 60,
       ST_Buffer(pt::geography, 60)::geometry, (ARRAY['register_only','footage_request','live_share'])[1 + g %% 3],
       '', '', 30, '', '', CASE WHEN g %% 10 = 0 THEN 'pending' ELSE 'approved' END, '', 'unknown', '', '{}', '',
       CASE WHEN g %% 3 = 0 THEN 'self' ELSE 'admin' END, 'bench-' || g,
       now() - (g %% 365) * interval '1 day', now()
FROM generate_series(1, %(count)s::bigint) g
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(
    %(west)s + (abs(hashint8(g)) %% 100000) / 100000.0 * %(width)s,
    %(south)s + (abs(hashint8(-g)) %% 100000) / 100000.0 * %(height)s), 4326) AS pt) p
"""

# 2 % of incidents get a case (one case per incident) with contributions and an outcome; half of
# those a footage request a few minutes after the call; 60k alerts; 10k shots detections.
RELATED_SQL = """
INSERT INTO cases_case (number, title, summary, status, contributions, outcome, external_numbers, created_at,
    updated_at, created_by_id, lead_id)
SELECT 'B-' || i.id, 'Bench case ' || i.id, '', 'open',
       ARRAY[(ARRAY['suspect_identified','vehicle_located','footage_provided','situational_awareness'])[1 + i.id %% 4]],
       (ARRAY['arrest','recovery','missing_person_found','no_outcome','unknown'])[1 + i.id %% 5], '{}',
       i.received_at + interval '10 minutes', i.received_at + interval '10 minutes', %(user)s, %(user)s
FROM incidents_incident i WHERE i.id %% 50 = 0;
INSERT INTO cases_caselink (kind, object_id, label, added_at, added_by_id, case_id)
SELECT 'incident', substr(c.number, 3)::bigint, '', c.created_at, %(user)s, c.id FROM cases_case c;
INSERT INTO cameras_footagerequest (camera_id, incident_id, window_start, window_end, reason, case_number, status,
    requested_by_id, requested_at, response_note)
SELECT (SELECT min(id) FROM cameras_camera) + i.id %% %(cameras)s, i.id, i.received_at - interval '10 minutes',
       i.received_at + interval '10 minutes', 'bench', '', 'requested', %(user)s,
       i.received_at + (i.id %% 900) * interval '1 second', ''
FROM incidents_incident i WHERE i.id %% 100 = 0;
INSERT INTO alerts_alert (type, priority, title, detail, source_key, location, streams, context, status,
    disposition, resolution_note, created_at, updated_at, acknowledged_at, acknowledged_by_id, resolved_at,
    resolved_by_id)
SELECT (ARRAY['cad_call','shots_fired','lpr_hit','rule_match','feed_silent'])[1 + g %% 5], 1 + g %% 5,
       'Bench alert ' || g, '', 'bench:' || g, NULL, ARRAY['ops'],
       CASE WHEN g %% 5 = 3 THEN jsonb_build_object('rule', jsonb_build_object('id', 1 + g %% 7,
            'name', 'Rule ' || (1 + g %% 7))) ELSE '{}'::jsonb END,
       'resolved', (ARRAY['actionable','benign','false_positive','undetermined'])[1 + g %% 4], '', t, t,
       t + (30 + g %% 600) * interval '1 second', %(user)s, t + (600 + g %% 3600) * interval '1 second', %(user)s
FROM generate_series(1, 60000) g
CROSS JOIN LATERAL (SELECT now() - (abs(hashint8(g)) %% (%(days)s * 86400)) * interval '1 second' AS t) v;
INSERT INTO shots_shotsfired (source, external_id, detected_at, location, location_status, rounds,
    detection_type, confidence, review_status, address, district, created_at, updated_at)
SELECT 'bench-shots', 'S' || g, t, NULL, 'missing', 1 + g %% 6, 'multiple', 0.9, 'confirmed', '',
       'D' || (1 + g %% %(districts)s), t, t
FROM generate_series(1, 10000) g
CROSS JOIN LATERAL (SELECT now() - (abs(hashint8(g)) %% (%(days)s * 86400)) * interval '1 second' AS t) v;
"""


def geometry() -> dict[str, Any]:
    width, height = 0.2, 0.16  # about 16 x 18 km
    return {
        "west": CENTER[1] - width / 2,
        "south": CENTER[0] - height / 2,
        "width": width,
        "height": height,
        "dx": width / DISTRICTS,
        "dy": height / BEATS_PER_DISTRICT,
        "districts": DISTRICTS,
        "beats": BEATS_PER_DISTRICT,
    }


def timed_sql(label: str, sql: str, params: dict[str, Any]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    seconds = time.perf_counter() - started
    print(f"seed: {label} in {seconds:.1f} s", file=sys.stderr)
    return round(seconds, 1)


def reads_already_there() -> bool:
    """True in a reused lpr_ingest database that holds the READS reads."""
    if not REUSE_DATABASE:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lpr_read")
        (rows,) = cursor.fetchone()
    print(f"reused database {REUSE_DATABASE}: {rows} reads", file=sys.stderr)
    return bool(rows == READS)


def open_database() -> Callable[[], None]:
    """Create and migrate this benchmark's database, or switch to the reused one; returns the cleanup."""
    settings_dict = connection.settings_dict
    if not REUSE_DATABASE:
        settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
        original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return lambda: connection.creation.destroy_test_db(original, verbosity=0)
    original = settings_dict["NAME"]
    connection.close()
    settings_dict["NAME"] = REUSE_DATABASE

    def drop() -> None:
        connection.close()
        settings_dict["NAME"] = original
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(REUSE_DATABASE)}")

    return drop


def seed(rng: random.Random) -> dict[str, Any]:
    user = get_user_model().objects.create_user(username="bench-analyst", password="x" * 24)
    geo = geometry()
    figures: dict[str, Any] = {}
    figures["seed_areas_s"] = timed_sql("areas", AREA_SQL, geo)
    figures["seed_incidents_s"] = timed_sql(
        f"{INCIDENTS} incidents",
        INCIDENT_SQL,
        {
            **geo,
            "count": INCIDENTS,
            "days": DAYS,
            "call_types": CALL_TYPES,
            "n_types": len(CALL_TYPES),
            "addresses": ADDRESSES,
        },
    )
    figures["seed_cameras_s"] = timed_sql(f"{CAMERAS} cameras", CAMERA_SQL, {**geo, "count": CAMERAS})
    figures["seed_related_s"] = timed_sql(
        "cases, links, footage requests, alerts, shots",
        RELATED_SQL,
        {"user": user.pk, "cameras": CAMERAS, "days": DAYS, "districts": DISTRICTS},
    )
    if reads_already_there():
        figures["seed_reads_s"] = f"0 (the {READS} reads of bench/lpr_ingest.py's search, reused)"
    else:
        feed, _key, _readers = seed_feed(rng)
        generated, _vehicles = generate(READS, feed.pk)
        figures["seed_reads_s"] = round(generated, 1)
        print(f"seed: {READS} reads in {generated:.1f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return figures


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_runs(fn: Callable[[], Any], runs: int = RUNS) -> dict[str, float]:
    fn()  # warm-up: the first call pays for plans and caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return {"p50_ms": round(statistics.median(samples) * 1000, 1), "p95_ms": round(percentile(samples, 0.95) * 1000, 1)}


def raw_baselines(flt: MetricFilter) -> dict[str, Any]:
    def incidents_by_type() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT call_type, count(*) FROM incidents_incident WHERE received_at >= %s AND received_at < %s "
                "GROUP BY 1",
                [flt.since, flt.until],
            )
            cursor.fetchall()

    def reads_by_day() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (read_at AT TIME ZONE %s)::date, count(*) FROM lpr_read WHERE read_at >= %s AND read_at < %s "
                "GROUP BY 1",
                ["America/Chicago", flt.since, flt.until],
            )
            cursor.fetchall()

    return {
        "raw_incidents_by_call_type": time_runs(incidents_by_type, 3),
        "raw_reads_by_day": time_runs(reads_by_day, 3),
    }


def hotspot_timings(flt: MetricFilter) -> dict[str, Any]:
    """The hotspot page's three queries (heatmap cells, beat choropleth, repeat addresses)."""
    from analytics import hotspots

    return {
        "grid": time_runs(lambda: hotspots.hotspot_grid(flt), 3),
        "beats": time_runs(lambda: hotspots.hotspot_areas(flt, "beat"), 3),
        "repeat_addresses": time_runs(lambda: hotspots.repeat_addresses(flt), 3),
    }


def measure(label: str, flt: MetricFilter) -> dict[str, Any]:
    result: dict[str, Any] = {"start": flt.start.isoformat(), "end": flt.end.isoformat(), "dashboards": {}}
    for board in dashboards():
        tables = {fn.__name__: time_runs(lambda fn=fn: fn(flt), 3) for fn in board.tables}
        whole = time_runs(lambda board=board: [fn(flt) for fn in board.tables])
        result["dashboards"][board.key] = {**whole, "tables": tables}
        slowest = max(tables.items(), key=lambda item: item[1]["p50_ms"], default=("-", {"p50_ms": 0}))
        print(
            f"{label} {board.key}: p50 {whole['p50_ms']} ms, p95 {whole['p95_ms']} ms "
            f"({len(tables)} tables; slowest {slowest[0]} {slowest[1]['p50_ms']} ms)",
            file=sys.stderr,
        )
    result["hotspots"] = hotspot_timings(flt)
    print(f"{label} hotspots: {result['hotspots']}", file=sys.stderr)
    result["baselines"] = raw_baselines(flt)
    return result


def transparency_timing() -> dict[str, float]:
    from analytics.selectors import transparency_figures

    def uncached() -> None:
        cache.clear()
        transparency_figures()

    return time_runs(uncached, 3)


def main() -> dict[str, Any]:
    cleanup = open_database()
    result: dict[str, Any] = {
        "id": "analytics_dashboard",
        "what": f"Every analytics dashboard (all its metric tables, as the page builds them) at {INCIDENTS} incidents "
        f"over {DAYS} days and {READS} LPR reads, 30-day and 365-day ranges; baseline: the raw GROUP BY on the base "
        "tables that the rollups replace.",
        "load1_start": round(os.getloadavg()[0], 2),
    }
    try:
        result |= seed(random.Random(SEED))
        started = time.perf_counter()
        refreshed = refresh_rollups(full=True)
        result["rollup_full_refresh_s"] = round(time.perf_counter() - started, 1)
        result["rollup_rows"] = {r.name: r.rows for r in refreshed}
        started = time.perf_counter()
        refresh_rollups()
        result["rollup_recent_refresh_s"] = round(time.perf_counter() - started, 2)
        today = local_today()
        month = measure("30 days", MetricFilter(start=today - dt.timedelta(days=29), end=today))
        year = measure("365 days", MetricFilter(start=today - dt.timedelta(days=364), end=today))
        result["range_30_days"], result["range_365_days"] = month, year
        result["transparency_uncached"] = transparency_timing()
        worst = max(
            (board["p50_ms"] for run in (month, year) for board in run["dashboards"].values()),
            default=0.0,
        )
        result["worst_dashboard_p50_ms"] = worst
        result["target"] = f"every dashboard p50 <= {TARGET_P50_S * 1000:.0f} ms"
        hotspot_worst = max(
            (timing["p50_ms"] for run in (month, year) for timing in run["hotspots"].values()), default=0.0
        )
        result["worst_hotspot_query_p50_ms"] = hotspot_worst
        full_size = INCIDENTS >= 1_000_000 and READS >= 10_000_000
        result["verdict"] = (
            ("pass" if worst <= TARGET_P50_S * 1000 else "miss") if full_size else "not judged (smaller run)"
        )
        result["hotspots_verdict"] = (
            ("pass" if hotspot_worst <= TARGET_P50_S * 1000 else "miss") if full_size else "not judged (smaller run)"
        )
    finally:
        cleanup()
    result["load1_end"] = round(os.getloadavg()[0], 2)
    return result


if __name__ == "__main__":
    outcome = main()
    for key, value in outcome.items():
        if key not in {"id", "what", "range_30_days", "range_365_days"}:
            print(f"{key}: {value}")
    print(json.dumps(outcome))
