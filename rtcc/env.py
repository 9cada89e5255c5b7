"""Reading settings from the environment: flags, lists, and secrets given directly or as `NAME_FILE`."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from `NAME` or from the file named by `NAME_FILE` (e.g. a Docker/compose secret).

    Setting both is an error, so a forgotten variable cannot silently win over the file.
    """
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if value is not None and path is not None:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if path is None:
        return default if value is None else value
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {reason}") from exc


def secret_list(name: str) -> list[str]:
    return [item.strip() for item in env_secret(name).split(",") if item.strip()]


def fernet_keys_valid(keys: list[str]) -> bool:
    """Fernet keys are 32 bytes in URL-safe base64 (44 characters)."""
    import base64
    import binascii

    try:
        return bool(keys) and all(len(base64.urlsafe_b64decode(key.encode())) == 32 for key in keys)
    except (binascii.Error, ValueError):
        return False


def xdist_process_number() -> int | None:
    """N when this process belongs to pytest-xdist's test process `gwN` (or was started by one), else None.

    `make test` runs the suite in several processes; each gets its own Redis database and media
    directory so that one process's Celery worker never takes another's tasks (see settings.py).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else None


def redis_url_for_test_process(url: str, number: int | None) -> str:
    """`url` with its database number moved up by `number` (redis://host:port/9 → /10 for gw1)."""
    if not number:
        return url
    base, _, database = url.rpartition("/")
    if not base.endswith(("redis:/", "rediss:/")) and database.isdigit():
        return f"{base}/{int(database) + number}"
    return f"{url.rstrip('/')}/{number}"
