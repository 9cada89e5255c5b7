"""Journey: an analyst uploads a clip still to a case, downloads it with a reason and verifies it."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from cases.models import Case
from evidence.models import CustodyEntry, Evidence
from tests.browser.helpers import browser_user, launch_chromium, open_page, problems, screenshot, sign_in
from tests.conftest import OUTPUT_DIR
from tests.evidence.conftest import EXE_BYTES, png_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def served_case(make_user: Any) -> Iterator[Case]:
    """A case whose files land in the server's MEDIA_ROOT (a separate process); removed afterwards."""
    lead = make_user("case-lead", Role.ANALYST)
    case = Case.objects.create(
        number=f"RTCC-TEST-{uuid.uuid4().hex[:8]}", title="Carjacking", lead=lead, created_by=lead
    )
    yield case
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "evidence" / case.number, ignore_errors=True)


def test_analyst_uploads_downloads_with_a_reason_and_verifies(
    page: Page, asgi_server: str, make_user: Any, served_case: Case, tmp_path: Path
) -> None:
    username = browser_user(make_user, "evidence-analyst", Role.ANALYST)
    upload_path = f"/cases/{served_case.pk}/evidence/new/"
    sign_in(page, asgi_server, username, path=upload_path)

    fake = tmp_path / "plate.jpg"
    fake.write_bytes(EXE_BYTES)
    page.fill("#id_title", "Renamed program")
    page.set_input_files("#id_file", str(fake))
    page.click("#upload-form button[type=submit]")
    expect(page.locator(".error")).to_contain_text("file: content is application/x-msdownload, not image/jpeg (.jpg)")
    screenshot(page, "evidence-upload-refused.png")
    page.problems.clear()  # type: ignore[attr-defined]  # the 400 above was the point

    still = tmp_path / "still.png"
    content = png_bytes(64, 48)
    still.write_bytes(content)
    page.fill("#id_title", "Gas station still 21:14")
    page.select_option("#id_kind", "image")
    page.fill("#id_source", "Owner export, pump 3")
    page.set_input_files("#id_file", str(still))
    page.click("#upload-form button[type=submit]")
    evidence = Evidence.objects.get(case=served_case)
    expect(page).to_have_url(f"{asgi_server}/evidence/{evidence.pk}/")
    expect(page.locator("#evidence-sha256")).to_have_text(hashlib.sha256(content).hexdigest())

    page.fill("#download-reason", "Copy for the DA")
    with page.expect_download() as download_info:
        page.click("#download-form button[type=submit]")
    downloaded = download_info.value
    assert downloaded.suggested_filename == "still.png"
    assert Path(downloaded.path()).read_bytes() == content

    page.goto(f"{asgi_server}/evidence/{evidence.pk}/")
    page.click("#verify-form button[type=submit]")
    expect(page.locator(".integrity-ok")).to_be_visible()
    expect(page.locator("tr[data-action=downloaded]")).to_contain_text("Copy for the DA")
    screenshot(page, "evidence-detail.png")
    actions = list(CustodyEntry.objects.filter(evidence=evidence).values_list("action", flat=True))
    assert actions[0] == "uploaded" and {"viewed", "downloaded", "integrity_checked"} <= set(actions)
    assert problems(page) == []
    assert (OUTPUT_DIR / "evidence-detail.png").exists()
