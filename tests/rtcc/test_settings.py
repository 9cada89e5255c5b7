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


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    # A random-looking key of 50+ characters (check --deploy counts length and distinct characters).
    "SECRET_KEY": "pF3x-9Qv7LrT2mWz8KbN4cYh6JdS1gAe5UoXiR0tZqPlMnBvCw",
    "ALLOWED_HOSTS": "rtcc.example.org",
    "DATABASE_URL": "postgis://rtcc:s3cret@127.0.0.1:5432/rtcc",
    "RTCC_FIELD_ENCRYPTION_KEYS": "3q2-7bBQXn0uKHvTKmQ5AoCE6nq7yJb4u2rN-pXw7x8=",
}
SECRETS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "RTCC_FIELD_ENCRYPTION_KEYS")


def run_django(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A production process: not one of pytest-xdist's test processes (rtcc.env.xdist_process_number).
    unset = {*SECRETS, *(f"{name}_FILE" for name in SECRETS), "ALLOWED_HOSTS", "DJANGO_DEBUG", "PYTEST_XDIST_WORKER"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "rtcc.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_no_warnings_in_production() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in SECRETS}, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_harden_headers_and_cookies() -> None:
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "X_FRAME_OPTIONS",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    ]
    code = "from django.conf import settings as s; print(repr([getattr(s, n) for n in " + repr(names) + "]))"
    result = run_django(code, PRODUCTION)
    assert result.returncode == 0, result.stderr
    values = dict(zip(names, eval(result.stdout.strip().splitlines()[-1]), strict=True))  # noqa: S307 (our own repr)
    assert values == {
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
    }


@pytest.mark.parametrize("name", SECRETS)
def test_each_secret_may_come_from_a_file(name: str, tmp_path: Path) -> None:
    value = {
        "SECRET_KEY": "f" * 60,
        "DATABASE_URL": "postgis://rtcc:from-file@db.internal:5432/rtcc",
        "REDIS_URL": "redis://:from-file@redis.internal:6379/3",
        "CELERY_BROKER_URL": "redis://:broker-file@redis.internal:6379/4",
        "RTCC_FIELD_ENCRYPTION_KEYS": "3q2-7bBQXn0uKHvTKmQ5AoCE6nq7yJb4u2rN-pXw7x8=",
    }[name]
    secret = tmp_path / name.lower()
    secret.write_text(value + "\n")  # files from `docker secret` or an editor end with a newline
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    code = (
        "from django.conf import settings as s; "
        "print(repr([s.SECRET_KEY, s.DATABASES['default']['PASSWORD'], s.REDIS_URL, s.CELERY_BROKER_URL, "
        "s.RTCC_FIELD_ENCRYPTION_KEYS]))"
    )
    result = run_django(code, {**env, f"{name}_FILE": str(secret)})
    assert result.returncode == 0, result.stderr
    key, db_password, redis_url, broker_url, field_keys = eval(result.stdout.strip().splitlines()[-1])  # noqa: S307
    seen = {
        "SECRET_KEY": key,
        "DATABASE_URL": db_password,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "RTCC_FIELD_ENCRYPTION_KEYS": ",".join(field_keys),
    }[name]
    assert seen == ("from-file" if name == "DATABASE_URL" else value)


def test_a_secret_given_twice_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("g" * 60)
    result = run_django("print('started')", {**PRODUCTION, "SECRET_KEY_FILE": str(secret)})
    assert result.returncode != 0
    assert "Set SECRET_KEY or SECRET_KEY_FILE, not both" in result.stderr


def test_an_unreadable_secret_file_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
    missing = tmp_path / "nope"
    result = run_django("print('started')", {**env, "DATABASE_URL_FILE": str(missing)})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DATABASE_URL_FILE={missing} cannot be read: No such file or directory" in result.stderr
