"""docker-compose.yml and the scale-out override docker-compose.scale.yml: valid YAML, and the override
only touches what the base file defines (checked without Docker: Compose is not on every machine)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "docker-compose.yml"
SCALE = ROOT / "docker-compose.scale.yml"


class Reset:
    """Compose's `!reset` tag: the merged file drops the base file's value for this key."""

    def __init__(self, value: Any) -> None:
        self.value = value


class ComposeLoader(yaml.SafeLoader):
    """Safe YAML plus Compose's merge tags (`!reset`, `!override`)."""


def _reset(loader: yaml.SafeLoader, node: yaml.Node) -> Reset:
    if isinstance(node, yaml.SequenceNode):
        return Reset(loader.construct_sequence(node))
    if isinstance(node, yaml.MappingNode):
        return Reset(loader.construct_mapping(node))
    return Reset(loader.construct_scalar(node))  # type: ignore[arg-type]


ComposeLoader.add_constructor("!reset", _reset)
ComposeLoader.add_constructor("!override", _reset)


def load(path: Path) -> dict[str, Any]:
    document = yaml.load(path.read_text(), Loader=ComposeLoader)  # noqa: S506 (a SafeLoader subclass)
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    return document


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return load(BASE)


@pytest.fixture(scope="module")
def scale() -> dict[str, Any]:
    return load(SCALE)


def depends_on(service: dict[str, Any]) -> list[str]:
    value = service.get("depends_on", [])
    return list(value) if isinstance(value, dict | list) else []


def named_volumes(service: dict[str, Any]) -> list[str]:
    """Named volumes a service mounts (bind mounts start with ., / or ~; a bare path is anonymous)."""
    names = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            source = volume.get("source", "") if volume.get("type", "volume") == "volume" else ""
        else:
            source = volume.split(":", 1)[0] if ":" in volume else ""
        if source and not source.startswith((".", "/", "~")):
            names.append(source)
    return names


def test_named_volumes_of_the_base_file_are_declared(base: dict[str, Any]) -> None:
    # The helper above is what the override check relies on: it must find the base file's volumes.
    assert named_volumes(base["services"]["postgis"]) == ["pgdata"]
    assert named_volumes(base["services"]["web"]) == ["media"]
    assert named_volumes({"volumes": ["./local:/x", "/abs:/y", "/anonymous"]}) == []


def test_both_files_parse_and_define_services(base: dict[str, Any], scale: dict[str, Any]) -> None:
    assert {"postgis", "redis", "migrate", "web", "worker", "beat"} <= set(base["services"])
    assert set(scale["services"]) == {"web", "worker", "proxy"}


def test_override_changes_only_services_of_the_base_file_and_adds_the_proxy(
    base: dict[str, Any], scale: dict[str, Any]
) -> None:
    for name, service in scale["services"].items():
        if name in base["services"]:
            continue
        # A service the base file does not have must be complete on its own.
        assert name == "proxy" and "image" in service, f"{name} overrides nothing in docker-compose.yml"


def test_override_references_only_services_volumes_networks_and_configs_that_exist(
    base: dict[str, Any], scale: dict[str, Any]
) -> None:
    services = set(base["services"]) | set(scale["services"])
    volumes = set(base.get("volumes") or {}) | set(scale.get("volumes") or {})
    networks = set(base.get("networks") or {}) | set(scale.get("networks") or {}) | {"default"}
    configs = set(scale.get("configs") or {})
    for name, service in scale["services"].items():
        assert set(depends_on(service)) <= services, name
        assert set(named_volumes(service)) <= volumes, name
        service_networks = service.get("networks", [])
        assert set(service_networks) <= networks, name
        for config in service.get("configs", []):
            assert (config["source"] if isinstance(config, dict) else config) in configs, name
    assert set(scale.get("volumes") or {}) <= set(base.get("volumes") or {})


def test_override_runs_two_web_and_two_worker_replicas_and_one_beat(
    base: dict[str, Any], scale: dict[str, Any]
) -> None:
    assert scale["services"]["web"]["deploy"]["replicas"] == 2
    assert scale["services"]["worker"]["deploy"]["replicas"] == 2
    assert "beat" not in scale["services"]
    assert "deploy" not in base["services"]["beat"]


def test_replicas_do_not_share_a_host_port_the_proxy_publishes_it(base: dict[str, Any], scale: dict[str, Any]) -> None:
    assert base["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
    web_ports = scale["services"]["web"]["ports"]
    assert isinstance(web_ports, Reset) and web_ports.value == []
    assert scale["services"]["proxy"]["ports"] == ["127.0.0.1:8000:8000"]
    assert scale["services"]["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_proxy_config_balances_over_web_and_passes_websockets(scale: dict[str, Any]) -> None:
    content = scale["configs"]["web-proxy"]["content"]
    assert "server web:8000" in content
    assert "proxy_set_header Upgrade $$http_upgrade;" in content
    assert "proxy_set_header Host $$host;" in content
    # Every nginx variable is written `$$name`: a single `$` would be replaced by Compose.
    assert re.findall(r"(?<!\$)\$(?!\$)", content) == []
    assert content.count("$$") == 7  # map (2), Host, X-Forwarded-For, X-Forwarded-Proto, Upgrade, Connection
