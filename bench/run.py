"""Run every benchmark under bench/ and write bench/results/latest.{json,md}.

Each benchmark is a script whose last stdout line is a JSON object with `id`, `what`, its figures,
targets and verdicts (values "pass", "miss" or "not judged …"). A benchmark that fails is
recorded as an error with the tail of its stderr and the run goes on. `BENCH_ONLY=a,b` runs a
subset. The Markdown report starts with a summary table (one row per verdict) and then lists
every figure of every benchmark.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# In the order of issue 10's table (P1..P6, R6), then the others; the analytics benchmark follows
# lpr_ingest at once because it reuses that run's 10M reads (SHARED_READS_DATABASE).
BENCHMARKS = [
    "lpr_ingest",  # P1 (reads/s through the API vs raw COPY) and P5 (plate search over 10M reads)
    "analytics_dashboard",  # issue 9: every dashboard at 1M incidents and 10M reads
    "ws_latency",  # P2
    "map_layer",  # P3
    "cameras_nearby",  # P4
    "ws_fanout",  # P6
    "soak",  # R6
    "cad_ingest",
    "rules_eval",
]
# The sizes: 200,000 reads through the API (P1), plate search over 10,000,000 (P5).
ARGS = {"lpr_ingest": ["--reads", "200000", "--search-reads", "10000000"]}
SHARED_READS_DATABASE = "rtcc_bench_lpr"  # bench/lpr_ingest.py's database
VERDICTS = ("pass", "miss", "not judged")


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores, {cpu}, {memory_gb:.0f} GB, Python {platform.python_version()}"


def run_one(name: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    script = ROOT / "bench" / f"{name}.py"
    if not script.exists():
        return {"id": name, "what": "not present", "error": f"bench/{name}.py does not exist"}
    started = time.perf_counter()
    print(f"==> {name} {' '.join(args)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )
    elapsed = round(time.perf_counter() - started, 1)
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if done.returncode == 0 and lines else None
    except json.JSONDecodeError:
        result = None
    if not isinstance(result, dict):
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        error = f"exit {done.returncode}"
        return {"id": name, "what": "failed", "error": error, "stderr_tail": tail, "elapsed_s": elapsed}
    result["elapsed_s"] = elapsed
    return result


DROP_CODE = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")
django.setup()
from django.db import connection
with connection._nodb_cursor() as cursor:
    cursor.execute("DROP DATABASE IF EXISTS " + connection.ops.quote_name(sys.argv[1]))
"""


def drop_database(name: str) -> None:
    """Drop a benchmark database left behind, on the server the settings name."""
    subprocess.run([sys.executable, "-c", DROP_CODE, name], cwd=ROOT, check=False)


def verdicts(result: dict[str, Any]) -> list[tuple[str, str]]:
    found = [
        (key, value)
        for key, value in result.items()
        if isinstance(value, str) and value.startswith(VERDICTS) and key not in {"what", "id"}
    ]
    if "error" in result:
        found.append(("run", f"error: {result['error']}"))
    return found


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = []
        for key, inner in value.items():
            items += flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return items
    return [(prefix, value)]


def markdown(report: dict[str, Any]) -> str:
    lines = [f"# Benchmarks {report['date']}", "", f"Machine: {report['machine']}", ""]
    lines += [f"Total time: {report['elapsed_s']} s", "", "| benchmark | verdict | value |", "|---|---|---|"]
    for result in report["results"]:
        for key, value in verdicts(result) or [("-", "no verdict")]:
            lines.append(f"| {result['id']} | {key} | {value} |")
    lines.append("")
    for result in report["results"]:
        lines.append(f"## {result['id']}\n\n{result.get('what', '')}\n")
        lines += [f"- {key}: {value}" for key, value in flatten(result) if key not in {"id", "what"}]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    started = time.perf_counter()
    chosen = [name for name in BENCHMARKS if not only or name in only]
    share = {"lpr_ingest", "analytics_dashboard"} <= set(chosen)
    results = []
    try:
        for name in chosen:
            args = ARGS.get(name, []) + (["--keep"] if share and name == "lpr_ingest" else [])
            env = (
                {"BENCH_ANALYTICS_REUSE_DATABASE": SHARED_READS_DATABASE}
                if share and name == "analytics_dashboard"
                else {}
            )
            results.append(run_one(name, args, env))
    finally:
        if share:  # normally dropped by the analytics benchmark; not if it failed early
            drop_database(SHARED_READS_DATABASE)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "elapsed_s": round(time.perf_counter() - started, 1),
        "results": results,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    (out / "latest.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
