"""The public transparency page: each figure against a hand-counted seeded world, anonymous and
cacheable, no personal data in the HTML, the admin-edited policy (escaped, audited)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from analytics import selectors
from analytics.models import TransparencyPolicy
from analytics.selectors import FIGURES_CACHE_KEY, transparency_figures
from audit.models import AuditEvent
from tests.analytics.conftest import Seeded

pytestmark = pytest.mark.django_db


def page_html(client: Client | None = None) -> str:
    response = (client or Client()).get("/transparency/")
    assert response.status_code == 200
    return response.content.decode()


def cell(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()[0]


def test_each_figure_matches_the_hand_count(seeded: Seeded) -> None:
    figures = transparency_figures(use_cache=False)
    assert (figures.readers_active, figures.readers_total) == (2, 3)
    assert (figures.reads_retained, figures.reads_exact) == (5, True)
    # Within 30 days: DKF (unverified), MRX and TGL (actionable, 2 and 29 days), YPC (rejected); NWA is 31 days old.
    assert (figures.hits_total, figures.hits_reviewed, figures.hits_actionable, figures.hits_rejected) == (4, 3, 2, 1)
    searches = {row.label: (row.searches, row.exports) for row in figures.searches}
    assert searches["Stolen vehicle"] == (3, 1)
    assert searches["Homicide investigation"] == (1, 0)
    assert searches["Other or retired purpose code"] == (1, 0)
    assert searches["Robbery"] == (0, 0)  # its one search is 31 days old
    assert sum(s for s, _ in searches.values()) == 5 and sum(e for _, e in searches.values()) == 1
    purges = {row.label: (row.runs, row.rows_removed, row.partitions_dropped) for row in figures.purges}
    assert purges == {"LPR reads (no hit)": (2, 1545, 2), "LPR hits": (1, 7, 0)}
    assert {row.label: row.count for row in figures.cameras} == {
        "Register only": 0,
        "Footage on request": 2,
        "Live share": 1,
    }
    assert figures.cameras_total == 3


def test_retention_days_come_from_the_settings(settings: Any) -> None:
    settings.RTCC_LPR_READ_RETENTION_DAYS = 45
    settings.RTCC_LPR_HIT_RETENTION_DAYS = 400
    settings.RTCC_AUDIT_RETENTION_DAYS = 1000
    settings.RTCC_EVENT_RETENTION_DAYS = 9
    days = [row.days for row in transparency_figures(use_cache=False).retention]
    assert days == [45, 400, 1000, 9, None]
    html = page_html()
    for value in ("45", "400", "1000", "9"):
        assert f'<td class="n">{value}</td>' in html


def test_the_page_shows_the_figures(seeded: Seeded, settings: Any) -> None:
    settings.RTCC_AGENCY_NAME = "Town of Example Police"
    html = page_html()
    assert "Town of Example Police" in html
    assert cell(html, "fig-readers") == "2"
    assert cell(html, "fig-reads") == "5"
    assert (cell(html, "hits-total"), cell(html, "hits-reviewed"), cell(html, "hits-actionable")) == ("4", "3", "2")
    assert cell(html, "hits-rejected") == "1"
    assert cell(html, "cameras-total") == "3"
    assert '<th scope="row">Stolen vehicle</th><td class="n">3</td><td class="n">1</td>' in html
    assert '<td class="n">1,545</td>' in html
    assert "Figures as of" in html


def test_the_page_holds_no_plate_address_name_or_reader(seeded: Seeded, admin_user: Any) -> None:
    html = page_html().lower()
    assert len(seeded.secrets) > 40
    found = [secret for secret in seeded.secrets if secret.lower() in html]
    assert found == []
    # A signed-in visitor gets the same page: no username, no navigation, no CSRF token.
    client = Client()
    client.force_login(admin_user)
    signed_in = page_html(client)
    assert admin_user.username not in signed_in
    assert "csrfmiddlewaretoken" not in signed_in and "/admin/" not in signed_in


def test_anonymous_get_is_public_and_cacheable(seeded: Seeded) -> None:
    client = Client()
    response = client.get("/transparency/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert "Set-Cookie" not in response.headers
    again = client.get("/transparency/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.post("/transparency/").status_code == 405


def test_figures_are_computed_once_per_cache_period(seeded: Seeded) -> None:
    with CaptureQueriesContext(connection) as first:
        page_html()
    with CaptureQueriesContext(connection) as second:
        page_html()
    figures_queries = len(first) - len(second)
    # Readers, reads (with its SET and savepoint), hits, searches, purges, cameras; then only the policy.
    assert 6 <= figures_queries <= 12, [q["sql"] for q in first.captured_queries]
    assert len(second) <= 2
    assert cache.get(FIGURES_CACHE_KEY) is not None


def test_a_slow_read_count_falls_back_to_the_estimate(seeded: Seeded, monkeypatch: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE lpr_read")
    monkeypatch.setattr(selectors, "READ_COUNT_TIMEOUT_MS", 20)
    monkeypatch.setattr(selectors, "READ_COUNT_SQL", "SELECT count(*) FROM lpr_read, pg_sleep(0.5)")
    assert selectors.reads_retained_count() == (5, False)
    html = page_html()
    assert re.search(r'id="fig-reads"><span class="num">about 5<', html)


def test_default_policy_until_an_admin_saves_one(settings: Any) -> None:
    settings.RTCC_AGENCY_NAME = "Town of Example Police"
    html = page_html()
    assert "Usage and privacy policy" in html
    assert "Town of Example Police operates automated license plate readers" in html


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_admin_policy_shows_escaped_and_every_change_is_audited(admin_client: Client, admin_user: Any) -> None:
    body = "First paragraph <script>alert(1)</script> & more.\n\nSecond <b>paragraph</b>."
    response = admin_client.post(
        "/admin/analytics/transparencypolicy/add/", {"title": "ALPR policy <i>2026</i>", "body": body}
    )
    assert response.status_code == 302, response.content[:2000]
    policy = TransparencyPolicy.objects.get()
    assert policy.updated_by == admin_user
    added = AuditEvent.objects.get(action="admin.add", object_ref=f"analytics.transparencypolicy:{policy.pk}")
    assert added.actor_id == admin_user.pk and added.details["after"]["body"] == body

    html = page_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more." in html
    assert "<script>" not in html and "<b>paragraph</b>" not in html
    assert "<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>" in html
    assert "ALPR policy &lt;i&gt;2026&lt;/i&gt;" in html
    assert "operates automated license plate readers" not in html  # the default text is gone

    response = admin_client.post(
        f"/admin/analytics/transparencypolicy/{policy.pk}/change/", {"title": "ALPR policy", "body": "Revised."}
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.get(action="admin.change", object_ref=f"analytics.transparencypolicy:{policy.pk}")
    assert changed.details["before"]["body"] == body and changed.details["after"]["body"] == "Revised."
    assert "<p>Revised.</p>" in page_html()
    # One row only: no second add, no delete.
    assert admin_client.get("/admin/analytics/transparencypolicy/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/analytics/transparencypolicy/{policy.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert TransparencyPolicy.objects.count() == 1
