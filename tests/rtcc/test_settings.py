"""Production mode refuses insecure defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "RTCC_FIELD_ENCRYPTION_KEYS"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "rtcc.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "rtcc.example.org"}, "DATABASE_URL"),
        ({"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "rtcc.example.org"}, "RTCC_FIELD_ENCRYPTION_KEYS"),
        (
            {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "x.org", "RTCC_FIELD_ENCRYPTION_KEYS": "not-a-key"},
            "RTCC_FIELD_ENCRYPTION_KEYS",
        ),
    ],
)
def test_production_mode_refuses_insecure_defaults(env: dict[str, str], complaint: str) -> None:
    result = load_settings(DJANGO_DEBUG="0", **env)
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert complaint in result.stderr


def test_production_mode_starts_when_configured() -> None:
    result = load_settings(
        DJANGO_DEBUG="0",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="rtcc.example.org",
        DATABASE_URL="postgis://rtcc:s3cret@127.0.0.1:5432/rtcc",
        RTCC_FIELD_ENCRYPTION_KEYS="3q2-7bBQXn0uKHvTKmQ5AoCE6nq7yJb4u2rN-pXw7x8=",
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
