"""The court packet PDF (ReportLab, like bulletins/pdf.py: pure-Python wheels, full page control).

Cover, summary, timeline of the log, evidence list with hashes, custody log per item, and an offline map of
the linked locations. Every page carries the case number and "page x of y".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bulletins.pdf import BODY, HEADING, MARGIN, SMALL, TITLE, agency_name, text
from cases import selectors
from cases.choices import Contribution, LinkKind
from cases.models import Case
from evidence.models import CustodyEntry, Evidence
from rtcc.pdf import PageCountingCanvas

PAGE_W, PAGE_H = LETTER
GRID = colors.HexColor("#b8c2cc")
KIND_COLOURS = {
    LinkKind.INCIDENT: colors.HexColor("#c62828"),
    LinkKind.CAMERA: colors.HexColor("#1565c0"),
    LinkKind.SHOTS: colors.HexColor("#ef6c00"),
}


@dataclass(frozen=True)
class MapPoint:
    kind: str
    label: str
    lat: float
    lon: float


def when(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S %Z}" if value else "—"


def username(user: Any) -> str:
    return str(user.get_username()) if user is not None else "system"


class _NumberedCanvas(PageCountingCanvas):
    case_number = ""

    def draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont("Helvetica", 8)
        self.setFillColor(colors.HexColor("#333333"))
        self.line(MARGIN, 15 * mm, PAGE_W - MARGIN, 15 * mm)
        self.drawString(MARGIN, 10 * mm, f"{agency_name()} · Court packet {self.case_number}")
        self.drawRightString(PAGE_W - MARGIN, 10 * mm, f"{self.case_number} · page {self._pageNumber} of {total}")
        self.restoreState()


def map_points(case: Case, user: AbstractBaseUser) -> list[MapPoint]:
    """Linked objects that have a location (incidents, cameras, shots… whatever the user may see)."""
    points = []
    for link in selectors.case_links(case=case):
        target = selectors.link_target(user=user, kind=link.kind, object_id=link.object_id)
        location = getattr(target, "location", None)
        if location is not None:
            label = link.label or f"{LinkKind(link.kind).label} {link.object_id}"
            points.append(MapPoint(link.kind, label, location.y, location.x))
    return points


def _nice_metres(target: float) -> float:
    magnitude = 10 ** math.floor(math.log10(max(target, 1.0)))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= target)


def points_map(points: list[MapPoint], *, width: float, height: float) -> Drawing:
    """A grid map fitted to the points (equirectangular, metres), numbered markers, scale bar, north arrow."""
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#f4f6f8"), strokeColor=colors.HexColor("#666666")))
    lat0 = sum(p.lat for p in points) / len(points)
    lon0 = sum(p.lon for p in points) / len(points)
    kx, ky = 111_320 * math.cos(math.radians(lat0)), 110_540.0
    xs = [(p.lon - lon0) * kx for p in points]
    ys = [(p.lat - lat0) * ky for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 400.0) * 1.6
    metres_per_pt = span / min(width, height)
    cx, cy = width / 2 - (max(xs) + min(xs)) / 2 / metres_per_pt, height / 2 - (max(ys) + min(ys)) / 2 / metres_per_pt
    grid_m = _nice_metres(span / 6)
    grid_pt = grid_m / metres_per_pt
    steps = math.ceil(max(width, height) / grid_pt) + 1
    for k in range(-steps, steps + 1):
        x, y = cx + k * grid_pt, cy + k * grid_pt
        if 0 <= x <= width:
            drawing.add(Line(x, 0, x, height, strokeColor=GRID, strokeWidth=0.5))
        if 0 <= y <= height:
            drawing.add(Line(0, y, width, y, strokeColor=GRID, strokeWidth=0.5))
    for index, (point, x_m, y_m) in enumerate(zip(points, xs, ys, strict=True), start=1):
        x, y = cx + x_m / metres_per_pt, cy + y_m / metres_per_pt
        colour = KIND_COLOURS.get(LinkKind(point.kind), colors.HexColor("#6a1b9a"))
        drawing.add(Circle(x, y, 6, fillColor=colour, strokeColor=colors.white, strokeWidth=1))
        drawing.add(String(x + 8, y + 3, str(index), fontName="Helvetica-Bold", fontSize=8))
    bar_m = _nice_metres(span / 5)
    drawing.add(Rect(10, 10, bar_m / metres_per_pt, 4, fillColor=colors.black, strokeColor=None))
    bar_label = f"{bar_m / 1000:g} km" if bar_m >= 1000 else f"{bar_m:g} m"
    drawing.add(String(10, 18, bar_label, fontName="Helvetica", fontSize=7))
    drawing.add(String(width - 14, height - 16, "N", fontName="Helvetica-Bold", fontSize=10))
    drawing.add(Line(width - 11, height - 36, width - 11, height - 20, strokeColor=colors.black, strokeWidth=1.2))
    grid_label = f"grid {grid_m / 1000:g} km" if grid_m >= 1000 else f"grid {grid_m:g} m"
    drawing.add(String(width - 110, 10, f"{grid_label} · no basemap", fontName="Helvetica", fontSize=6.5))
    return drawing


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    # splitInRow: a cell taller than a page (a 20,000-character summary) continues on the next page
    # instead of failing the whole packet with a LayoutError (a 500 found by the fuzzer).
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e7eb")))
    table.setStyle(TableStyle(style))
    return table


def _p(value: str, style: Any = SMALL) -> Paragraph:
    return Paragraph(text(value), style)


def _cover(case: Case, user: AbstractBaseUser, generated_at: datetime) -> list[Flowable]:
    rows = [
        ["Case number", case.number],
        ["Title", case.title],
        ["Status", case.get_status_display()],
        ["Lead", username(case.lead)],
        ["Opened", f"{when(case.created_at)} by {username(case.created_by)}"],
        ["Submitted", when(case.submitted_at)],
        ["Approved", f"{when(case.approved_at)} by {username(case.approved_by)}" if case.approved_at else "—"],
        ["Closed", when(case.closed_at)],
        ["Generated", f"{when(generated_at)} by {username(user)}"],
    ]
    return [
        Spacer(1, 30 * mm),
        _p(agency_name(), HEADING),
        Paragraph("Real-Time Crime Center — court packet", TITLE),
        Spacer(1, 8 * mm),
        _table([[_p(k, BODY), _p(v, BODY)] for k, v in rows], [40 * mm, 120 * mm], header=False),
        Spacer(1, 8 * mm),
        _p(
            "Contents: case summary, timeline of the case log, evidence list with SHA-256 hashes, chain of custody "
            "per evidence item, map of linked locations. The accompanying ZIP holds the evidence files and "
            "MANIFEST.sha256 (check with `sha256sum -c MANIFEST.sha256`)."
        ),
        PageBreak(),
    ]


def _summary(case: Case, user: AbstractBaseUser) -> list[Flowable]:
    contributions = ", ".join(Contribution(c).label for c in case.contributions) or "—"
    contributors = ", ".join(username(u) for u in case.contributors.all()) or "—"
    rows = [
        ["Summary", case.summary or "—"],
        ["Contributors", contributors],
        ["RTCC contribution", contributions],
        ["Outcome", case.get_outcome_display()],
        ["Report / RMS numbers", ", ".join(case.external_numbers) or "—"],
    ]
    story: list[Flowable] = [Paragraph("Case summary", HEADING)]
    story.append(_table([[_p(k, BODY), _p(v, BODY)] for k, v in rows], [40 * mm, 140 * mm], header=False))
    links = list(selectors.case_links(case=case))
    story.append(Paragraph("Links", HEADING))
    if not links:
        return [*story, _p("No linked records.")]
    link_rows: list[list[Any]] = [[_p("Kind"), _p("Id"), _p("Label"), _p("Added")]]
    for link in links:
        link_rows.append(
            [
                _p(LinkKind(link.kind).label),
                _p(str(link.object_id)),
                _p(link.label or "—"),
                _p(f"{when(link.added_at)} by {username(link.added_by)}"),
            ]
        )
    return [*story, _table(link_rows, [30 * mm, 20 * mm, 70 * mm, 60 * mm])]


def _timeline(case: Case) -> list[Flowable]:
    rows: list[list[Any]] = [[_p("#"), _p("Action time / recorded"), _p("Author"), _p("Kind"), _p("Text")]]
    for entry in selectors.case_log(case=case):
        kind = entry.get_kind_display()
        if entry.corrects_id:
            kind += f" (corrects #{entry.corrects_id})"
        body = text(entry.text).replace("\n", "<br/>")
        if entry.corrected_by:  # type: ignore[attr-defined]
            refs = ", ".join(f"#{n}" for n in entry.corrected_by)  # type: ignore[attr-defined]
            body = f"<strike>{body}</strike><br/><b>CORRECTED by {refs}</b>"
        if entry.after_approval:
            kind += " · after approval"
        rows.append(
            [
                _p(f"#{entry.pk}"),
                _p(f"{when(entry.action_at)}\nrec. {when(entry.recorded_at)}"),
                _p(username(entry.author)),
                _p(kind),
                Paragraph(body, SMALL),
            ]
        )
    return [
        PageBreak(),
        Paragraph("Timeline of the case log", HEADING),
        _table(rows, [13 * mm, 45 * mm, 20 * mm, 30 * mm, 72 * mm]),
    ]


def _evidence(items: list[Evidence]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph("Evidence", HEADING)]
    if not items:
        return [*story, _p("No evidence attached.")]
    rows: list[list[Any]] = [[_p("Id"), _p("Title / file"), _p("Type / size"), _p("SHA-256"), _p("Uploaded")]]
    for item in items:
        rows.append(
            [
                _p(str(item.pk)),
                _p(f"{item.title}\n{item.original_name}"),
                _p(f"{item.mime_type}\n{item.size:,} bytes"),
                Paragraph(f"<font face='Courier' size='7'>{item.sha256[:32]}<br/>{item.sha256[32:]}</font>", SMALL),
                _p(f"{when(item.uploaded_at)}\n{username(item.uploader)}"),
            ]
        )
    return [*story, _table(rows, [12 * mm, 45 * mm, 30 * mm, 55 * mm, 38 * mm])]


def _custody(items: list[Evidence], custody: dict[int, list[CustodyEntry]]) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Chain of custody", HEADING)]
    for item in items:
        rows: list[list[Any]] = [[_p("When"), _p("Action"), _p("By"), _p("Reason")]]
        for entry in custody.get(item.pk, []):
            rows.append(
                [_p(when(entry.at)), _p(entry.get_action_display()), _p(username(entry.actor)), _p(entry.reason or "—")]
            )
        story.append(KeepTogether([_p(f"Evidence {item.pk}: {item.title}", BODY), Spacer(1, 1 * mm)]))
        story += [_table(rows, [42 * mm, 30 * mm, 28 * mm, 80 * mm]), Spacer(1, 3 * mm)]
    return story


def _map(points: list[MapPoint], width: float) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph("Map of linked locations", HEADING)]
    if not points:
        return [*story, _p("No linked record has a location.")]
    story.append(points_map(points, width=width, height=width * 0.7))
    rows: list[list[Any]] = [[_p("#"), _p("Kind"), _p("Label"), _p("Latitude, longitude")]]
    for index, point in enumerate(points, start=1):
        rows.append(
            [_p(str(index)), _p(LinkKind(point.kind).label), _p(point.label), _p(f"{point.lat:.5f}, {point.lon:.5f}")]
        )
    return [*story, Spacer(1, 3 * mm), _table(rows, [10 * mm, 30 * mm, 90 * mm, 50 * mm])]


def packet_pdf(*, case: Case, user: AbstractBaseUser, evidence: list[Evidence], generated_at: datetime) -> bytes:
    """The whole packet as PDF bytes. The custody log is read now, so exports recorded before are included."""
    custody: dict[int, list[CustodyEntry]] = {}
    entries = CustodyEntry.objects.filter(evidence__in=evidence).select_related("actor").order_by("at", "id")
    for entry in entries:
        custody.setdefault(entry.evidence_id, []).append(entry)
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=f"Court packet {case.number}",
        author=agency_name(),
        subject=case.title,
    )
    story = _cover(case, user, generated_at) + _summary(case, user) + _timeline(case)
    story += _evidence(evidence) + _custody(evidence, custody) + _map(map_points(case, user), doc.width)
    canvas_class = type("PacketCanvas", (_NumberedCanvas,), {"case_number": case.number})
    doc.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()
