"""Bulletin PDF with ReportLab: marking on every page, kind banner, blocks, photos, an offline map.

ReportLab rather than WeasyPrint: pure-Python wheels (no Pango/Cairo system libraries in the image)
and full control of what every page's header and footer carry (the handling marking, the watermark).
"""

from __future__ import annotations

import math
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bulletins.choices import BANNERS, BulletinKind
from bulletins.models import Bulletin

PAGE_W, PAGE_H = LETTER
MARGIN = 18 * mm
BANNER_COLOURS = {
    BulletinKind.BOLO: colors.HexColor("#1f4e8c"),
    BulletinKind.OFFICER_SAFETY: colors.HexColor("#b3261e"),
    BulletinKind.ATTEMPT_TO_IDENTIFY: colors.HexColor("#6a3d9a"),
    BulletinKind.CRIME_PATTERN: colors.HexColor("#2e6b30"),
}
WATERMARK = "DRAFT — NOT FOR DISSEMINATION"
MAP_HALF_WIDTH_M = 1000.0

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=10, leading=13)
TITLE = ParagraphStyle("title", parent=_styles["Title"], fontSize=17, leading=21, alignment=0, spaceAfter=4)
HEADING = ParagraphStyle("heading", parent=_styles["Heading2"], fontSize=12, leading=15, spaceBefore=8)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))
BANNER = ParagraphStyle("banner", parent=BODY, fontName="Helvetica-Bold", fontSize=18, leading=22,
                        textColor=colors.white, alignment=1)  # fmt: skip


def agency_name() -> str:
    return str(getattr(settings, "RTCC_AGENCY_NAME", "RTCC Ops demo agency"))


def text(value: str) -> str:
    """Escape user text for ReportLab's paragraph mark-up, keeping line breaks."""
    return escape(value).replace("\n", "<br/>")


class _Page:
    """Draws what every page carries: marking top and bottom, agency, page number, draft watermark."""

    def __init__(self, bulletin: Bulletin) -> None:
        self.bulletin = bulletin

    def __call__(self, canvas: Canvas, doc: Any) -> None:
        bulletin = self.bulletin
        canvas.saveState()
        for y in (PAGE_H - 10 * mm, 7 * mm):
            canvas.setFillColor(colors.HexColor("#fff3c4"))
            canvas.rect(0, y - 2.5 * mm, PAGE_W, 8 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
            canvas.setFont("Helvetica-Bold", 10)
            canvas.drawCentredString(PAGE_W / 2, y, bulletin.marking)
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.drawString(MARGIN, PAGE_H - 16 * mm, agency_name())
        canvas.drawRightString(
            PAGE_W - MARGIN, PAGE_H - 16 * mm, f"Bulletin {bulletin.pk} · version {bulletin.version}"
        )
        canvas.drawString(MARGIN, 13 * mm, f"Expires {timezone.localtime(bulletin.expires_at):%Y-%m-%d %H:%M %Z}")
        canvas.drawRightString(PAGE_W - MARGIN, 13 * mm, f"Page {doc.page}")
        if not bulletin.is_approved:
            canvas.setFont("Helvetica-Bold", 9)
            canvas.setFillColor(colors.HexColor("#b3261e"))
            canvas.drawCentredString(PAGE_W / 2, 13 * mm, WATERMARK)
            canvas.setFont("Helvetica-Bold", 34)
            canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, WATERMARK)
        canvas.restoreState()


def _banner(bulletin: Bulletin, width: float) -> Table:
    label = BANNERS.get(BulletinKind(bulletin.kind), bulletin.kind.upper())
    table = Table([[Paragraph(text(label), BANNER)]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BANNER_COLOURS.get(BulletinKind(bulletin.kind), colors.black)),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _block_table(block: dict[str, str], labels: list[tuple[str, str]], width: float) -> Table:
    rows = [[Paragraph(f"<b>{label}</b>", SMALL), Paragraph(text(block.get(key, "")), BODY)] for key, label in labels]
    rows = [row for row, (key, _) in zip(rows, labels, strict=True) if block.get(key)]
    table = Table(rows or [["", ""]], colWidths=[32 * mm, width - 32 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


SUBJECT_LABELS = [
    ("name", "Name"),
    ("dob", "DOB / age"),
    ("description", "Description"),
    ("identifiers", "Identifiers"),
]
VEHICLE_LABELS = [
    ("plate", "Plate"),
    ("state", "State"),
    ("make", "Make"),
    ("model", "Model"),
    ("colour", "Colour"),
    ("notes", "Notes"),
]


def _photos(bulletin: Bulletin, width: float) -> list[Flowable]:
    cells: list[Any] = []
    box_w, box_h = (width - 6 * mm) / 3, 55 * mm
    for photo in bulletin.photos.all():
        with photo.image.open("rb") as handle:
            data = BytesIO(handle.read())
        scale = min(box_w / photo.width, box_h / photo.height)
        image = Image(data, width=photo.width * scale, height=photo.height * scale)
        cells.append([image, Paragraph(text(photo.caption), SMALL)] if photo.caption else image)
    if not cells:
        return []
    rows = [cells[i : i + 3] + [""] * (3 - len(cells[i : i + 3])) for i in range(0, len(cells), 3)]
    table = Table(rows, colWidths=[box_w + 2 * mm] * 3)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [Paragraph("Photos", HEADING), table]


def location_map(lat: float, lon: float, *, width: float, height: float) -> Drawing:
    """A small offline map: a 250 m grid around the point, the marker, a scale bar and a north arrow."""
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#f4f6f8"), strokeColor=colors.HexColor("#666666")))
    metres_per_pt = 2 * MAP_HALF_WIDTH_M / width
    grid_pt = 250 / metres_per_pt
    cx, cy = width / 2, height / 2
    steps = math.ceil(max(width, height) / 2 / grid_pt) + 1
    for k in range(-steps, steps + 1):
        x, y = cx + k * grid_pt, cy + k * grid_pt
        line_colour = colors.HexColor("#b8c2cc") if k else colors.HexColor("#8a98a6")
        if 0 <= x <= width:
            drawing.add(Line(x, 0, x, height, strokeColor=line_colour, strokeWidth=0.5))
        if 0 <= y <= height:
            drawing.add(Line(0, y, width, y, strokeColor=line_colour, strokeWidth=0.5))
    drawing.add(Circle(cx, cy, 9, fillColor=colors.Color(0.8, 0.1, 0.1, alpha=0.25), strokeColor=None))
    drawing.add(Circle(cx, cy, 4, fillColor=colors.HexColor("#c62828"), strokeColor=colors.white, strokeWidth=1))
    bar = 500 / metres_per_pt
    drawing.add(Rect(10, 10, bar, 4, fillColor=colors.black, strokeColor=None))
    drawing.add(String(10, 18, "500 m", fontName="Helvetica", fontSize=7))
    drawing.add(String(width - 14, height - 16, "N", fontName="Helvetica-Bold", fontSize=10))
    drawing.add(Line(width - 11, height - 36, width - 11, height - 20, strokeColor=colors.black, strokeWidth=1.2))
    drawing.add(String(cx + 10, cy + 6, f"{lat:.5f}, {lon:.5f}", fontName="Helvetica", fontSize=7))
    drawing.add(String(width - 120, 10, "grid 250 m · no basemap", fontName="Helvetica", fontSize=6.5))
    return drawing


def _story(bulletin: Bulletin, width: float) -> list[Flowable]:
    story: list[Flowable] = [_banner(bulletin, width), Spacer(1, 4 * mm), Paragraph(text(bulletin.title), TITLE)]
    meta = [f"Version {bulletin.version}", f"Status: {bulletin.get_status_display()}"]
    meta.append(f"Expires {timezone.localtime(bulletin.expires_at):%Y-%m-%d %H:%M %Z}")
    if bulletin.case_id:
        meta.append(f"Case: {bulletin.case}")
    if bulletin.approved_by_id and bulletin.approved_at:
        approver = bulletin.approved_by.get_username()  # type: ignore[union-attr]
        meta.append(f"Approved by {approver} {timezone.localtime(bulletin.approved_at):%Y-%m-%d %H:%M}")
    story.append(Paragraph(text(" · ".join(meta)), SMALL))
    if bulletin.summary:
        story += [Paragraph("Summary", HEADING), Paragraph(text(bulletin.summary), BODY)]
    for heading, blocks, labels in (
        ("Subjects", bulletin.subjects, SUBJECT_LABELS),
        ("Vehicles", bulletin.vehicles, VEHICLE_LABELS),
    ):
        if blocks:
            story.append(Paragraph(heading, HEADING))
            for index, block in enumerate(blocks, start=1):
                story += [
                    Paragraph(f"{heading[:-1]} {index}", SMALL),
                    _block_table(block, labels, width),
                    Spacer(1, 2 * mm),
                ]
    story += _photos(bulletin, width)
    if bulletin.location is not None:
        label = f" — {text(bulletin.location_label)}" if bulletin.location_label else ""
        map_flow = location_map(bulletin.location.y, bulletin.location.x, width=width, height=62 * mm)
        story.append(KeepTogether([Paragraph(f"Location{label}", HEADING), map_flow]))
    contact = [bulletin.contact_name, bulletin.contact_phone, bulletin.contact_email]
    story.append(Paragraph("Contact", HEADING))
    story.append(Paragraph(text(" · ".join(c for c in contact if c) or "RTCC watch desk"), BODY))
    story.append(Spacer(1, 3 * mm))
    handling = f"Handling: {bulletin.marking}. Do not disseminate beyond the recipients logged by the RTCC."
    story.append(Paragraph(text(handling), SMALL))
    return story


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    """The bulletin as PDF bytes (the current version)."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=bulletin.title,
        author=agency_name(),
        subject=f"{bulletin.marking} — {bulletin.get_kind_display()}",
    )
    page = _Page(bulletin)
    doc.build(_story(bulletin, doc.width), onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
