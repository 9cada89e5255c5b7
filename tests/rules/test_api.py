"""Rules API: CRUD with history, roles, catalogue, and the dry-run over seeded outbox events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from audit.models import AuditEvent
from rtcc.models import OutboxEvent
from rules.models import Rule, RuleMatch, RuleVersion
from tests.rules.helpers import EXPECTED_MIXED, MIXED_EVENTS, hit_event, incident_event, rule_json, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


def test_create_get_patch_disable_keep_history(admin_client: APIClient) -> None:
    created = admin_client.post("/api/v1/rules/", rule_json(), format="json")
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    assert created.json()["created_by"] == "adm" and created.json()["last_matched_at"] is None

    patched = admin_client.patch(
        f"/api/v1/rules/{rule_id}/", {"actions": {**rule_json()["actions"], "attach_cameras": 1}}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["actions"]["attach_cameras"] == 1
    # A PATCH that changes nothing records no version.
    assert (
        admin_client.patch(f"/api/v1/rules/{rule_id}/", {"name": "Armed violence P1"}, format="json").status_code == 200
    )

    deleted = admin_client.delete(f"/api/v1/rules/{rule_id}/")
    assert deleted.status_code == 200 and deleted.json()["enabled"] is False
    assert Rule.objects.filter(pk=rule_id).exists()

    versions = admin_client.get(f"/api/v1/rules/{rule_id}/versions/").json()
    assert [(v["version"], v["change"]) for v in versions] == [(1, "created"), (2, "updated"), (3, "disabled")]
    assert (
        versions[1]["before"]["actions"]["attach_cameras"] == 3
        and versions[1]["after"]["actions"]["attach_cameras"] == 1
    )
    assert OutboxEvent.objects.filter(type="rule.changed", stream="admin").count() == 3


def test_put_replaces_and_validates_the_whole_rule(admin_client: APIClient) -> None:
    rule_id = admin_client.post("/api/v1/rules/", rule_json(), format="json").json()["id"]
    bad = rule_json()
    bad["conditions"][1]["field"] = "priorty"
    response = admin_client.put(f"/api/v1/rules/{rule_id}/", bad, format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("conditions[1].field: 'priorty' is not a field of incident (call_type")
    assert response.json()["details"] == {"conditions[1].field": response.json()["error"].split(": ", 1)[1]}
    assert RuleVersion.objects.filter(rule_id=rule_id).count() == 1  # nothing written


def test_bad_input_is_a_400_never_a_500(admin_client: APIClient) -> None:
    assert admin_client.post("/api/v1/rules/", [1, 2], format="json").json() == {"error": "rule: must be a JSON object"}
    assert admin_client.post("/api/v1/rules/", "{", content_type="application/json").status_code == 400
    assert admin_client.patch("/api/v1/rules/999/", {"enabled": False}, format="json").status_code == 404
    admin_client.post("/api/v1/rules/", rule_json(), format="json")
    duplicate = admin_client.post("/api/v1/rules/", rule_json(), format="json")
    assert duplicate.status_code == 409 and duplicate.json()["error"].startswith("name: a rule named")


def test_catalogue_lists_fields_and_operators(admin_client: APIClient) -> None:
    catalogue = admin_client.get("/api/v1/rules/catalogue/").json()
    triggers = {t["value"]: t for t in catalogue["triggers"]}
    assert set(triggers) == {"incident", "shots", "lpr_hit"}
    assert {"name": "priority", "type": "int"} in triggers["incident"]["fields"]
    assert triggers["lpr_hit"]["events"] == ["lpr.hit.raised"]
    assert {op["value"] for op in catalogue["operators"]} == {"eq", "in", "not_in", "lte", "gte", "contains"}


@pytest.mark.parametrize("role", [Role.ANALYST, Role.SUPERVISOR, Role.WALL, None])
def test_only_admins_manage_rules(make_user: Callable[..., Any], role: Role | None) -> None:
    client = APIClient()
    client.force_authenticate(make_user("someone", role))
    assert client.get("/api/v1/rules/").status_code == 403
    assert client.post("/api/v1/rules/", rule_json(), format="json").status_code == 403
    assert client.post("/api/v1/rules/dry-run/", rule_json(), format="json").status_code == 403
    assert not Rule.objects.exists()


def test_dry_run_of_an_unsaved_rule_over_seeded_events(admin_client: APIClient) -> None:
    seed(MIXED_EVENTS)
    response = admin_client.post("/api/v1/rules/dry-run/", rule_json(), format="json")
    assert response.status_code == 200, response.json()
    result = response.json()
    assert {m["source_ref"] for m in result["matches"]} == EXPECTED_MIXED
    assert result["match_count"] == 4 and result["sources_evaluated"] == 6 and result["hours"] == 24
    by_ref = {m["source_ref"]: m for m in result["matches"]}
    assert by_ref["incident:6"]["event_type"] == "incident.updated"  # fired when it became P1
    assert by_ref["incident:1"]["title"] == "SHOOTING at 1 N MAIN ST"
    assert "P1" in by_ref["incident:1"]["summary"]
    # No writes but the audit row.
    assert not Rule.objects.exists() and not RuleMatch.objects.exists()
    assert AuditEvent.objects.filter(action="rules.dry_run").count() == 1


def test_dry_run_window_and_hours_bounds(admin_client: APIClient) -> None:
    old, _recent = seed([incident_event(1, "SHOOTING", 1), incident_event(2, "SHOOTING", 1)])
    OutboxEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    rule_id = admin_client.post("/api/v1/rules/", rule_json(), format="json").json()["id"]
    day = admin_client.get(f"/api/v1/rules/{rule_id}/dry-run/").json()
    assert [m["source_ref"] for m in day["matches"]] == ["incident:2"]
    two_days = admin_client.get(f"/api/v1/rules/{rule_id}/dry-run/?hours=48").json()
    assert [m["source_ref"] for m in two_days["matches"]] == ["incident:1", "incident:2"]
    for bad in ("0", "73", "x"):
        answer = admin_client.get(f"/api/v1/rules/{rule_id}/dry-run/?hours={bad}")
        assert answer.status_code == 400 and answer.json()["error"] == "hours: must be a whole number from 1 to 72"


def test_dry_run_rejects_an_invalid_rule_with_the_path(admin_client: APIClient) -> None:
    response = admin_client.post("/api/v1/rules/dry-run/", rule_json(trigger="lpr_hit"), format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("conditions[0].field: 'call_type' is not a field of lpr_hit")


def test_dry_run_counts_an_lpr_hit_once_though_recorded_per_stream(admin_client: APIClient) -> None:
    seed([hit_event(1, "Stolen")], stream="role.analyst")
    seed([hit_event(1, "Stolen")], stream="role.supervisor")
    seed([hit_event(2, "Other")], stream="role.analyst")
    data = rule_json(trigger="lpr_hit", conditions=[{"field": "hotlist", "op": "eq", "value": "stolen"}])
    data["actions"]["raise_alert"]["title"] = "{plate} on {hotlist}"
    result = admin_client.post("/api/v1/rules/dry-run/", data, format="json").json()
    assert [(m["source_ref"], m["title"]) for m in result["matches"]] == [("lpr_hit:1", "ABC001 on Stolen")]
