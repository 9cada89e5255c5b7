"""The monthly report PDF for command staff (ReportLab, in the style of the court packet).

A cover with the agency and the month, then each dashboard on a new page: every metric table of
analytics/dashboards.py rendered generically — its title, definition and note, a chart when the
table has one (bar or line; a doughnut is drawn as bars, which read better on paper), and the
table itself, paginated with a repeated header. Black on white, greys and dash patterns instead
of colours, so it prints and photocopies. A metric added to a dashboard appears with no change here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import math
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from analytics.dashboards import Dashboard, dashboards
from analytics.filters import EARLIEST_YEAR, LATEST_YEAR, MetricFilter, local_today
from analytics.tables import Column, Table
from audit.services import audit_record
from bulletins.pdf import BODY, HEADING, MARGIN, SMALL, TITLE, agency_name, text
from rtcc.errors import InvalidInput
from rtcc.pdf import PageCountingCanvas

logger = logging.getLogger(__name__)

EXPORT_ACTION = "analytics.monthly_report_pdf"
PAGE_W, PAGE_H = LETTER
CHART_HEIGHT = 62 * mm
MAX_CHART_HEIGHT = 150 * mm  # a drawing cannot split across pages: it must fit on one with its heading
MAX_CHART_CATEGORIES = 25  # a bar chart shows the first 25 rows; the table below has more
MAX_TABLE_ROWS = 50  # a report for command staff: beyond this it says so and points to the CSV export
# Print-friendly series styles: grey levels for bars, dash patterns and markers for lines.
FILLS = [colors.HexColor(c) for c in ("#222222", "#8c8c8c", "#d0d0d0", "#555555", "#ffffff", "#b0b0b0")]
DASHES: list[list[float] | None] = [None, [4, 2], [1, 2], [6, 2, 1, 2], [8, 3], [2, 4]]
MARKERS = ["FilledCircle", "Square", "FilledTriangle", "Cross", "FilledDiamond", "Circle"]
CELL = ParagraphStyle("cell", parent=SMALL, fontSize=8, leading=10, textColor=colors.black)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=2)
NUMERIC_KINDS = ("int", "float", "pct", "seconds")


def parse_month(raw: str | None) -> dt.date:
    """`YYYY-MM` → the first day of that month; empty → the last full month. Raises InvalidInput naming `month`."""
    today = local_today()
    if not raw:
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    try:
        month = dt.datetime.strptime(raw.strip(), "%Y-%m").date()
    except ValueError:
        raise InvalidInput("month: use a month like 2026-10.", details={"month": ["Enter a month YYYY-MM."]}) from None
    if not EARLIEST_YEAR <= month.year <= LATEST_YEAR:
        raise InvalidInput(
            f"month: must be between {EARLIEST_YEAR} and {LATEST_YEAR}.", details={"month": ["Out of range."]}
        )
    if month > today:
        raise InvalidInput("month: must not be in the future.", details={"month": ["In the future."]})
    return month


def month_filter(month: dt.date) -> MetricFilter:
    last = calendar.monthrange(month.year, month.month)[1]
    return MetricFilter(start=month, end=month.replace(day=last))


def format_value(kind: str, value: Any) -> str:
    """A cell as printed: counts with thousands separators, `pct` as a percentage 0 to 100, `seconds` as h/min/s."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, dt.datetime):
            return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m-%d %H:%M}"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)
    if kind == "int":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{value:,.1f} %"
    if kind == "seconds":
        total = round(value)
        hours, rest = divmod(total, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {seconds:02d} s"
    if kind == "float":
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return 0.0
    return float(value)


def _category(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%b %d %H:%M}" if timezone.is_aware(value) else f"{value:%b %d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%b %d}"
    label = "—" if value in (None, "") else str(value)
    return label if len(label) <= 18 else label[:17] + "…"


def _nice_step(top: float) -> float:
    raw = max(top, 1e-9) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if step * magnitude >= raw)


def _legend(drawing: Drawing, names: list[str], *, lines: bool, top: float) -> None:
    """A legend row above the plot: a swatch (bar) or a dashed line with its marker, then the name."""
    x = 0.0
    for index, name in enumerate(names):
        y = top - 8
        if lines:
            drawing.add(
                Line(
                    x,
                    y + 3,
                    x + 18,
                    y + 3,
                    strokeColor=colors.black,
                    strokeWidth=1.2,
                    strokeDashArray=DASHES[index % len(DASHES)],
                )
            )
            marker = makeMarker(MARKERS[index % len(MARKERS)], size=4)
            marker.x, marker.y = x + 9, y + 3
            drawing.add(marker)
        else:
            drawing.add(
                Rect(x + 4, y, 10, 7, fillColor=FILLS[index % len(FILLS)], strokeColor=colors.black, strokeWidth=0.5)
            )
        drawing.add(String(x + 22, y, name, fontName="Helvetica", fontSize=7.5))
        x += 30 + len(name) * 4.2


def chart_drawing(table: Table, *, width: float) -> tuple[Drawing, str]:
    """The table's chart as a ReportLab drawing, and a note when not every row could be drawn."""
    chart = table.chart
    assert chart is not None
    rows = list(table.rows)
    note = ""
    if chart.kind != "line" and len(rows) > MAX_CHART_CATEGORIES:
        note = f"The chart shows the first {MAX_CHART_CATEGORIES} of {len(rows)} rows."
        rows = rows[:MAX_CHART_CATEGORIES]
    labels = {c.key: c.label for c in table.columns}
    series = list(chart.series)
    data = [tuple(_number(row.values.get(key)) for row in rows) for key in series]
    categories = [_category(row.values.get(chart.x)) for row in rows]
    if len(categories) > MAX_CHART_CATEGORIES:  # a long series: label every k-th point only
        every = math.ceil(len(categories) / (MAX_CHART_CATEGORIES // 2))
        categories = [label if index % every == 0 else "" for index, label in enumerate(categories)]
    horizontal = chart.kind == "doughnut"
    height = min(max(CHART_HEIGHT, 14.0 * len(rows) + 40), MAX_CHART_HEIGHT) if horizontal else CHART_HEIGHT
    longest = max((len(c) for c in categories), default=1)
    shown = sum(1 for label in categories if label)
    rotate = not horizontal and shown * max(longest, 3) * 4.5 > width - 50
    bottom = (min(longest, 18) * 4.2 + 12) if rotate else 18
    drawing = Drawing(width, height)
    plot: Any
    if chart.kind == "line":
        plot = HorizontalLineChart()
        for index in range(len(series)):
            plot.lines[index].strokeColor = colors.black
            plot.lines[index].strokeWidth = 1.2
            plot.lines[index].strokeDashArray = DASHES[index % len(DASHES)]
            if len(rows) <= MAX_CHART_CATEGORIES * 2:  # markers on a dense series only blur it
                plot.lines[index].symbol = makeMarker(MARKERS[index % len(MARKERS)], size=3.5)
        plot.joinedLines = 1
    else:
        plot = HorizontalBarChart() if horizontal else VerticalBarChart()
        for index in range(len(series)):
            plot.bars[index].fillColor = FILLS[index % len(FILLS)]
            plot.bars[index].strokeColor = colors.black
            plot.bars[index].strokeWidth = 0.4
        if chart.stacked:
            plot.categoryAxis.style = "stacked"
        plot.barSpacing = 0.5
        plot.groupSpacing = 4 if len(rows) > 20 else 8
    left = 110 if horizontal else 42
    plot.x, plot.y = left, bottom
    plot.width, plot.height = width - left - 10, height - bottom - 22
    plot.data = data or [(0.0,)]
    plot.categoryAxis.categoryNames = categories
    plot.categoryAxis.joinAxisMode = "left" if horizontal else "bottom"  # labels clear of negative values
    plot.categoryAxis.labels.fontName = "Helvetica"
    plot.categoryAxis.labels.fontSize = 6.5
    if rotate:
        plot.categoryAxis.labels.angle = 90
        plot.categoryAxis.labels.boxAnchor = "e"
        plot.categoryAxis.labels.dy = -2
    elif horizontal:
        plot.categoryAxis.labels.boxAnchor = "e"
        plot.categoryAxis.labels.dx = -3
        plot.categoryAxis.reverseDirection = 1  # first row at the top, as in the table
    else:
        plot.categoryAxis.labels.boxAnchor = "n"
    per_category = [sum(values) for values in zip(*data, strict=True)] if chart.stacked else []
    top = max(per_category or [max(values, default=0.0) for values in data] or [0.0])
    floor = min(0.0, *(min(values, default=0.0) for values in data))
    step = _nice_step(max(top - floor, 1.0))
    if all(value.is_integer() for values in data for value in values):
        step = max(step, 1.0)  # counts: no 0.2 gridlines
    plot.valueAxis.valueMin = floor
    plot.valueAxis.valueStep = step
    plot.valueAxis.valueMax = max(math.ceil(top / step), 1) * step
    plot.valueAxis.labels.fontName = "Helvetica"
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.labelTextFormat = (lambda v: f"{v:,.0f}") if step >= 1 else (lambda v: f"{v:,.2g}")
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = colors.HexColor("#cccccc")
    plot.valueAxis.gridStrokeWidth = 0.4
    drawing.add(plot)
    _legend(drawing, [labels.get(key, key) for key in series], lines=chart.kind == "line", top=height)
    return drawing, note


def table_flowable(table: Table, *, width: float) -> tuple[Flowable, str]:
    """The table itself, header repeated on every page it spans."""
    columns: Sequence[Column] = table.columns
    weights = [2.2 if c.kind == "text" else 1.0 for c in columns] or [1.0]
    widths = [width * w / sum(weights) for w in weights]
    rows = list(table.rows)
    note = ""
    if len(rows) > MAX_TABLE_ROWS:
        note = f"First {MAX_TABLE_ROWS:,} of {len(rows):,} rows; the dashboard's CSV export has them all."
        rows = rows[:MAX_TABLE_ROWS]
    header = [Paragraph(f"<b>{text(c.label)}</b>", CELL_RIGHT if c.kind in NUMERIC_KINDS else CELL) for c in columns]
    body: list[list[Any]] = []
    for row in rows:
        cells: list[Any] = []
        for column in columns:
            shown = format_value(column.kind, row.values.get(column.key))
            cells.append(Paragraph(text(shown), CELL) if column.kind == "text" else shown)
        body.append(cells)
    pdf_table = PdfTable([header, *body], colWidths=widths, repeatRows=1, splitInRow=1)
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("FONTNAME", (0, 1), (-1, -1), "Helvetica"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
    ]
    for index, column in enumerate(columns):
        if column.kind in NUMERIC_KINDS:
            style.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
    pdf_table.setStyle(TableStyle(style))
    return pdf_table, note


def _table_section(table: Table, width: float) -> list[Flowable]:
    head: list[Flowable] = [Paragraph(text(table.title), HEADING), Paragraph(text(table.definition), SMALL)]
    if table.note:
        head.append(Paragraph(f"<i>{text(table.note)}</i>", SMALL))
    head.append(Spacer(1, 2 * mm))
    if not table.rows:
        return [KeepTogether([*head, Paragraph("No records in this month.", BODY)]), Spacer(1, 4 * mm)]
    story: list[Flowable] = []
    if table.chart is not None and table.chart.series:
        drawing, chart_note = chart_drawing(table, width=width)
        story.append(KeepTogether([*head, drawing, *([Paragraph(text(chart_note), SMALL)] if chart_note else [])]))
    else:
        story.append(KeepTogether(head))
    pdf_table, table_note = table_flowable(table, width=width)
    # A table never starts with a lone row at the foot of a page.
    story += [Spacer(1, 2 * mm), CondPageBreak(30 * mm), pdf_table]
    if table_note:
        story.append(Paragraph(text(table_note), SMALL))
    return [*story, Spacer(1, 6 * mm)]


def _dashboard_section(dashboard: Dashboard, filters: MetricFilter, width: float) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph(text(dashboard.title), TITLE)]
    if not dashboard.tables:
        return [*story, Paragraph("No figures on this dashboard yet.", BODY)]
    for metric in dashboard.tables:
        try:
            table = metric(filters)
        except Exception:  # one broken metric must not take the whole report down
            name = getattr(metric, "__name__", repr(metric))
            logger.exception("monthly report: metric %s failed", name)
            story.append(Paragraph(text(f"{name}: this figure could not be computed (see the server log)."), BODY))
            continue
        story += _table_section(table, width)
    return story


def _cover(month: dt.date, boards: list[Dashboard], user: AbstractBaseUser | None, at: dt.datetime) -> list[Flowable]:
    filters = month_filter(month)
    rows = [
        ["Month", f"{month:%B %Y}"],
        ["Period", f"{filters.start:%Y-%m-%d} to {filters.end:%Y-%m-%d} ({timezone.get_current_timezone_name()})"],
        ["Generated", f"{timezone.localtime(at):%Y-%m-%d %H:%M %Z} by {user.get_username() if user else 'system'}"],
    ]
    cover = PdfTable([[Paragraph(k, BODY), Paragraph(text(v), BODY)] for k, v in rows], colWidths=[35 * mm, 140 * mm])
    cover.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    contents = "<br/>".join(f"{index}. {text(board.title)}" for index, board in enumerate(boards, start=1))
    return [
        Spacer(1, 40 * mm),
        Paragraph(text(agency_name()), HEADING),
        Paragraph("Real-Time Crime Center — monthly report", TITLE),
        Paragraph(f"{month:%B %Y}", TITLE),
        Spacer(1, 8 * mm),
        cover,
        Spacer(1, 8 * mm),
        Paragraph("Contents", HEADING),
        Paragraph(contents, BODY),
        Spacer(1, 6 * mm),
        Paragraph(
            "Each figure carries its definition; the same definitions are in docs/analytics.md. Counts are for "
            "the whole agency (no district or call-type filter).",
            SMALL,
        ),
    ]


class _NumberedCanvas(PageCountingCanvas):
    footer_text = ""

    def draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont("Helvetica", 8)
        self.setFillColor(colors.black)
        self.line(MARGIN, 15 * mm, PAGE_W - MARGIN, 15 * mm)
        self.drawString(MARGIN, 10 * mm, self.footer_text)
        self.drawRightString(PAGE_W - MARGIN, 10 * mm, f"page {self._pageNumber} of {total}")
        self.restoreState()


def monthly_report_pdf(*, month: dt.date, user: AbstractBaseUser | None, generated_at: dt.datetime) -> bytes:
    """The monthly report of `month` (its first day) as PDF bytes."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=f"RTCC monthly report {month:%B %Y}",
        author=agency_name(),
        subject="Real-Time Crime Center monthly report",
    )
    boards = dashboards()
    filters = month_filter(month)
    story = _cover(month, boards, user, generated_at)
    for board in boards:
        story += _dashboard_section(board, filters, doc.width)
    footer = f"{agency_name()} · RTCC monthly report · {month:%B %Y}"
    doc.build(story, canvasmaker=type("MonthlyCanvas", (_NumberedCanvas,), {"footer_text": footer}))
    return buffer.getvalue()


def monthly_report_export(*, actor: AbstractBaseUser, month: dt.date) -> bytes:
    """Render the monthly report for a person and record the download in the audit trail."""
    content = monthly_report_pdf(month=month, user=actor, generated_at=timezone.now())
    audit_record(
        actor=actor,
        action=EXPORT_ACTION,
        object_ref=f"monthly_report:{month:%Y-%m}",
        details={"month": f"{month:%Y-%m}", "bytes": len(content)},
    )
    return content
