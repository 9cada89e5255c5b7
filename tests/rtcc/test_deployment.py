"""docker-compose.yml stays consistent with the processes the Makefile and demo run (no Docker engine here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_services_with_healthchecks() -> None:
    services = compose()["services"]
    assert set(services) == {"postgis", "redis", "migrate", "web", "worker", "beat"}
    for name in ("postgis", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name


def test_app_services_wait_for_migrate_and_healthy_backends() -> None:
    services = compose()["services"]
    assert services["migrate"]["depends_on"] == {"postgis": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "postgis": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }, name


def test_compose_runs_the_same_entry_points_as_the_demo() -> None:
    services = compose()["services"]
    demo = (ROOT / "scripts" / "demo.sh").read_text()
    assert services["web"]["command"][:2] == ["uvicorn", "rtcc.asgi:application"]
    assert "uvicorn rtcc.asgi:application" in demo
    assert services["worker"]["command"][:4] == ["celery", "-A", "rtcc", "worker"]
    assert "celery -A rtcc worker" in demo
    assert services["beat"]["command"][:4] == ["celery", "-A", "rtcc", "beat"]
    assert "celery -A rtcc beat" in demo


def test_compose_is_production_mode_and_demands_secrets() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    environment = compose()["x-app-environment"]
    assert environment["DJANGO_DEBUG"] == "0"
    assert "${SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text
    assert "${RTCC_FIELD_ENCRYPTION_KEYS:?" in text
