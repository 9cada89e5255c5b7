"""Schemathesis fuzzes every operation of our OpenAPI schema against a real uvicorn server.

The server runs on 127.0.0.1 against the test database, seeded with a little of everything so
detail routes find objects. Schemathesis runs as a subprocess once per caller: a supervisor and an
admin (between them every capability behind the user API), and one feed key per feed kind for the
ingest endpoints. It must find no 5xx and no response outside the documented schema. See
docs/fuzzing.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from accounts.services import user_ensure_with_role
from feeds import services as feed_services
from tests.conftest import BIN, OUTPUT_DIR, start_uvicorn, stop_process
from tests.security.fuzz_seed import seed_objects

# Sequences restart so the seeded objects have small ids (1, 2, 3) that the generated ids often hit.
pytestmark = [pytest.mark.django_db(transaction=True, reset_sequences=True)]

# Fixed seed and bounded examples: the same cases every run, about 3 minutes on 2 cores in total.
SEED = int(os.environ.get("RTCC_FUZZ_SEED", "20261124"))
MAX_EXAMPLES = int(os.environ.get("RTCC_FUZZ_MAX_EXAMPLES", "8"))
# content_type_conformance is left out: a path parameter that does not match the URL pattern
# (`/api/v1/rules/null,null/`) never reaches the API and gets Django's HTML 404 page (docs/fuzzing.md).
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
INGEST = "^/api/v1/ingest/"
ADMIN_ONLY = "^/api/v1/(rules|cameras|imports)/"


@dataclass(frozen=True)
class Caller:
    """Who schemathesis calls as, and which operations it fuzzes with that identity."""

    name: str
    authorization: str
    include_path_regex: str | None = None
    exclude_path_regex: str | None = None


@pytest.fixture
def fuzz_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Seeded data, tokens of a supervisor and an admin, a key per feed kind, and a live server."""
    tokens = {}
    for role in (Role.SUPERVISOR, Role.ADMIN):
        user = user_ensure_with_role(username=f"fuzz-{role.value}", password="fuzz-password-1", role=role)
        tokens[role.value] = Token.objects.create(user=user).key
    feed_keys = {
        kind: feed_services.feed_create(name=f"Fuzz {kind}", kind=kind, slug=f"fuzz-{kind}")[1]
        for kind in ("cad", "shots", "gps", "lpr", "cap")
    }
    seed_objects(tmp_path)
    env = {"RTCC_MFA_REQUIRED": "0", "RTCC_INGEST_RATE": "100000/minute"}
    process, url = start_uvicorn("fuzz-uvicorn", env)
    yield {"url": url, "tokens": tokens, "feed_keys": feed_keys}
    stop_process(process)


def fetch_schema(url: str, token: str, report_dir: Path) -> Path:
    """The schema as the server serves it now (feed keys may not read it; every run fuzzes this copy)."""
    response = requests.get(f"{url}/api/schema/?format=json", headers={"Authorization": f"Token {token}"}, timeout=60)
    assert response.status_code == 200, response.text[:500]
    path = report_dir / "schema.json"
    path.write_bytes(response.content)
    return path


def run_schemathesis(url: str, schema: Path, caller: Caller, report_dir: Path) -> dict[str, Any]:
    """One `schemathesis run` as `caller`; returns its exit code, output and duration."""
    junit = report_dir / f"{caller.name}.xml"
    args = [
        str(BIN / "schemathesis"),
        "run",
        str(schema),
        "--url",
        url,
        "--header",
        f"Authorization: {caller.authorization}",
        "--checks",
        CHECKS,
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "2",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        "--no-color",
        "--output-truncate",
        "false",
    ]
    if caller.include_path_regex:
        args += ["--include-path-regex", caller.include_path_regex]
    if caller.exclude_path_regex:
        args += ["--exclude-path-regex", caller.exclude_path_regex]
    started = time.monotonic()
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    elapsed = time.monotonic() - started
    log = report_dir / f"{caller.name}.log"
    log.write_text(result.stdout + result.stderr)
    return {"exit": result.returncode, "output": result.stdout + result.stderr, "elapsed": elapsed, "log": log}


def summary_counts(output: str) -> dict[str, int]:
    """Numbers from the SUMMARY block: "API Operations: / Tested: N" and "Test cases: / N generated, …"."""
    counts: dict[str, int] = {}
    lines = [line.strip() for line in output.split("SUMMARY")[-1].splitlines()]
    for index, line in enumerate(lines):
        following = lines[index + 1 : index + 3]
        if line == "API Operations:":
            tested = [item for item in following if item.startswith("Tested:")]
            if tested:
                counts["operations"] = int(tested[0].split(":", 1)[1])
        elif line == "Test cases:" and following and following[0].split()[0].isdigit():
            counts["cases"] = int(following[0].split()[0])
    return counts


def callers(server: dict[str, Any]) -> list[Caller]:
    """A supervisor for every user operation; an admin again where admins hold capabilities a
    supervisor lacks (rules, camera management, imports, camera contacts); one key per feed kind."""
    tokens, feeds = server["tokens"], server["feed_keys"]
    people = [
        Caller("supervisor", f"Token {tokens['supervisor']}", exclude_path_regex=INGEST),
        Caller("admin", f"Token {tokens['admin']}", include_path_regex=ADMIN_ONLY),
    ]
    machines = [
        Caller(f"feed-{kind}", f"Api-Key {key}", include_path_regex=f"^/api/v1/ingest/{kind}/")
        for kind, key in feeds.items()
    ]
    return people + machines


def operations_in(schema: Path) -> int:
    methods = {"get", "put", "post", "patch", "delete"}
    paths = json.loads(schema.read_text())["paths"].values()
    return sum(1 for item in paths for method in item if method in methods)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(fuzz_server: dict[str, Any]) -> None:
    report_dir = OUTPUT_DIR / "fuzz"
    report_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    figures = []
    total_cases = covered = 0
    schema = fetch_schema(fuzz_server["url"], fuzz_server["tokens"]["supervisor"], report_dir)
    for caller in callers(fuzz_server):
        run = run_schemathesis(fuzz_server["url"], schema, caller, report_dir)
        counts = summary_counts(run["output"])
        figures.append(
            f"{caller.name}: {counts.get('operations', '?')} operations, {counts.get('cases', '?')} cases, "
            f"{run['elapsed']:.0f} s"
        )
        assert counts.get("operations", 0) > 0, run["output"][-3000:]
        total_cases += counts.get("cases", 0)
        if caller.name != "admin":  # the admin run repeats a subset of the supervisor's operations
            covered += counts["operations"]
        if run["exit"] != 0:
            failures.append(f"--- {caller.name} (exit {run['exit']}, log {run['log']})\n{run['output'][-6000:]}")
    figures.append(f"schema: {operations_in(schema)} operations, {covered} fuzzed; {total_cases} cases in all")
    print("\n".join(["schemathesis figures:", *figures]))
    (report_dir / "figures.json").write_text(json.dumps(figures, indent=2))
    assert not failures, "\n".join(failures)
    assert covered == operations_in(schema), "some operations were not fuzzed"
