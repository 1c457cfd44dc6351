"""An official document as a PDF, drawn with ReportLab (a pure-Python wheel: no
system package, so `make demo` needs nothing else).

First page: the letterhead (kop surat: government, office, address, a double
rule), then the title, period and area code. Every page: a footer with the title
and "Halaman X dari Y". Tables repeat their header on each page; charts are
ReportLab drawings; the signature block (place, date, title, name, NIP) closes the
document and is kept on one page. Fonts are the PDF standard Helvetica family
(nothing embedded, text extractable).
"""

from __future__ import annotations

from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from pilar.core.documents.letterhead import Letterhead
from pilar.core.documents.model import (
    DECIMAL,
    PERCENT,
    RUPIAH,
    TEXT,
    Chart,
    Document,
    Figures,
    Group,
    PageBreak,
    Paragraph,
    Table,
)
from pilar.core.formatting import (
    format_decimal,
    format_int,
    format_percent,
    format_rupiah,
    long_date,
)

MARGIN = 14 * mm
PALETTE = [
    colors.HexColor(c)
    for c in ("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d")
]
HEAD_BG = colors.HexColor("#E9ECEF")
TOTAL_BG = colors.HexColor("#F3F4F6")

_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11)
STYLES = {
    "gov": ParagraphStyle(
        "gov", _BASE, fontName="Helvetica-Bold", fontSize=13, leading=16, alignment=TA_CENTER
    ),
    "office": ParagraphStyle(
        "office", _BASE, fontName="Helvetica-Bold", fontSize=16, leading=19, alignment=TA_CENTER
    ),
    "address": ParagraphStyle("address", _BASE, fontSize=8, alignment=TA_CENTER),
    "title": ParagraphStyle(
        "title", _BASE, fontName="Helvetica-Bold", fontSize=12, leading=15, alignment=TA_CENTER
    ),
    "center": ParagraphStyle("center", _BASE, alignment=TA_CENTER),
    "heading": ParagraphStyle(
        "heading",
        _BASE,
        fontName="Helvetica-Bold",
        fontSize=10.5,
        leading=13,
        spaceBefore=8,
        spaceAfter=4,
    ),
    "body": ParagraphStyle("body", _BASE, alignment=TA_LEFT, spaceAfter=4),
    "note": ParagraphStyle("note", _BASE, fontName="Helvetica-Oblique", fontSize=7.5, leading=9),
    "sign": ParagraphStyle("sign", _BASE, fontSize=10, leading=13, alignment=TA_CENTER),
}


def cell_text(value: Any, kind: str) -> str:
    """A value as printed in a table cell (Indonesian number format)."""
    if value is None:
        return "-"
    if isinstance(value, str) or kind == TEXT:
        return str(value)
    if kind == RUPIAH:
        return format_rupiah(value)
    if kind == DECIMAL:
        return format_decimal(value, 1)
    if kind == PERCENT:
        return format_percent(value)
    return format_int(value)


def _p(text: str, style: str) -> RLParagraph:
    return RLParagraph(escape(text), STYLES[style])


def _numbered_canvas(footer: str):
    class NumberedCanvas(rl_canvas.Canvas):
        """Draws "Halaman X dari Y" once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont("Helvetica", 7.5)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(MARGIN, 8 * mm, footer)
                self.drawRightString(
                    width - MARGIN, 8 * mm, f"Halaman {self._pageNumber} dari {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _letterhead(doc: Document, head: Letterhead, width: float) -> list[Flowable]:
    out: list[Flowable] = [_p(head.government.upper(), "gov"), _p(head.office.upper(), "office")]
    if head.address:
        out.append(_p(head.address, "address"))
    out += [
        Spacer(1, 2 * mm),
        HRFlowable(width=width, thickness=1.6, color=colors.black, spaceAfter=1),
        HRFlowable(width=width, thickness=0.5, color=colors.black, spaceAfter=5 * mm),
        _p(doc.title.upper(), "title"),
        _p(doc.period, "center"),
        _p(f"Wilayah: {doc.area_name} (kode {doc.area_code})", "center"),
        Spacer(1, 5 * mm),
    ]
    return out


def _font_size(leaves: int) -> float:
    if leaves <= 6:
        return 8.5
    if leaves <= 12:
        return 7.5
    if leaves <= 18:
        return 6.5
    return 5.5


def _column_widths(table: Table, width: float) -> list[float]:
    """Natural widths (a name column of ~5 cm, numbers of ~1.7 cm) scaled down to
    fit the page, or, when narrower, the number columns widened to fill it."""
    stub = [w * 16 * mm for w in (table.stub_widths or tuple([1.0] * len(table.stub_headers)))]
    leaves = [leaf.width * 17 * mm for leaf in table.leaves()]
    total = sum(stub) + sum(leaves)
    if total >= width or not leaves:
        return [w * width / total for w in stub + leaves]
    grow = (width - sum(stub)) / sum(leaves)
    return stub + [w * grow for w in leaves]


def _table(table: Table, width: float) -> list[Flowable]:
    leaves = table.leaves()
    n_stub = len(table.stub_headers)
    size = _font_size(len(leaves))
    stub_style = ParagraphStyle("stub", _BASE, fontSize=size, leading=size + 1.5)
    stub_bold = ParagraphStyle("stubb", stub_style, fontName="Helvetica-Bold")
    head_style = ParagraphStyle(
        "head", stub_bold, alignment=TA_CENTER, fontSize=size, leading=size + 1.5
    )

    def head_cell(text: str) -> RLParagraph:
        return RLParagraph(escape(text), head_style)

    rows: list[list[Any]] = []
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    if table.grouped:
        top: list[Any] = [head_cell(t) for t in table.stub_headers]
        bottom: list[Any] = [""] * n_stub
        for i in range(n_stub):
            spans.append(("SPAN", (i, 0), (i, 1)))
        col = n_stub
        for column in table.columns:
            if isinstance(column, Group):
                top.append(head_cell(column.header))
                top.extend([""] * (len(column.columns) - 1))
                bottom.extend(head_cell(c.header) for c in column.columns)
                if len(column.columns) > 1:
                    spans.append(("SPAN", (col, 0), (col + len(column.columns) - 1, 0)))
                col += len(column.columns)
            else:
                top.append(head_cell(column.header))
                bottom.append("")
                spans.append(("SPAN", (col, 0), (col, 1)))
                col += 1
        rows += [top, bottom]
        n_head = 2
    else:
        rows.append(
            [head_cell(t) for t in table.stub_headers] + [head_cell(c.header) for c in leaves]
        )
        n_head = 1
    totals = []
    for line in table.rows:
        style = stub_bold if line.total else stub_style
        stub = [RLParagraph(escape(text), style) for text in line.stub]
        values = [cell_text(v, leaf.kind) for leaf, v in zip(leaves, line.values, strict=True)]
        if line.total:
            totals.append(len(rows))
        rows.append(stub + values)

    col_widths = _column_widths(table, width)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", size),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, n_head - 1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, n_head - 1), "MIDDLE"),
        ("ALIGN", (n_stub, n_head), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        *spans,
    ]
    for r in totals:
        style += [
            ("FONT", (n_stub, r), (-1, r), "Helvetica-Bold", size),
            ("BACKGROUND", (0, r), (-1, r), TOTAL_BG),
        ]
    grid = RLTable(rows, colWidths=col_widths, repeatRows=n_head, hAlign="LEFT")
    grid.setStyle(TableStyle(style))
    out: list[Flowable] = [_p(table.title, "heading"), grid]
    out += [_p(note, "note") for note in table.notes]
    out.append(Spacer(1, 4 * mm))
    return out


def _figures(block: Figures, width: float) -> list[Flowable]:
    """Headline figures as boxes, four to a row."""
    per_row = 4
    cells: list[Any] = []
    label = ParagraphStyle("flabel", _BASE, fontSize=8, leading=10, alignment=TA_CENTER)
    value = ParagraphStyle(
        "fvalue", _BASE, fontName="Helvetica-Bold", fontSize=15, leading=18, alignment=TA_CENTER
    )
    note = ParagraphStyle(
        "fnote",
        _BASE,
        fontSize=7,
        leading=9,
        alignment=TA_CENTER,
        textColor=colors.HexColor("#555555"),
    )
    for item in block.items:
        cells.append(
            [
                RLParagraph(escape(cell_text(item.value, item.kind)), value),
                RLParagraph(escape(item.label), label),
                RLParagraph(escape(item.note), note),
            ]
        )
    rows: list[list[Any]] = []
    for i in range(0, len(cells), per_row):
        chunk = cells[i : i + per_row]
        chunk += [""] * (per_row - len(chunk))
        rows.append(chunk)
    grid = RLTable(rows, colWidths=[width / per_row] * per_row)
    grid.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#BBBBBB")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [_p(block.title, "heading"), grid, Spacer(1, 4 * mm)]


def _axis_label(value: float) -> str:
    return format_int(round(value))


def _chart(chart: Chart, width: float) -> list[Flowable]:
    n = len(chart.categories)
    has_legend = len(chart.series) > 1
    if chart.kind == "hbar":
        height = max(140.0, 13.0 * n + 40)
        drawing = Drawing(width, height)
        plot: Any = HorizontalBarChart()
        plot.x, plot.y = 170, 20
        plot.width = width - 190 - (110 if has_legend else 0)
        plot.height = height - 30
        plot.categoryAxis.reverseDirection = 1
        plot.categoryAxis.labels.boxAnchor = "e"
        plot.categoryAxis.labels.dx = -3
    else:
        height = 190.0
        drawing = Drawing(width, height)
        plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
        plot.x, plot.y = 45, 55
        plot.width = width - 60 - (110 if has_legend else 0)
        plot.height = height - 70
        plot.categoryAxis.labels.boxAnchor = "ne"
        plot.categoryAxis.labels.angle = 35 if n > 6 else 0
        plot.categoryAxis.labels.dy = -2
    plot.data = [tuple(float(v or 0) for v in values) for _, values in chart.series]
    plot.categoryAxis.categoryNames = [c[:28] for c in chart.categories]
    plot.categoryAxis.labels.fontName = "Helvetica"
    plot.categoryAxis.labels.fontSize = 6.5
    plot.valueAxis.labels.fontName = "Helvetica"
    plot.valueAxis.labels.fontSize = 6.5
    plot.valueAxis.labelTextFormat = _axis_label
    plot.valueAxis.valueMin = 0
    peak = max((max(v or 0 for v in values) for _, values in chart.series if values), default=0)
    if not peak:
        plot.valueAxis.valueMax = 1
    for i in range(len(chart.series)):
        if chart.kind == "line":
            plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
            plot.lines[i].strokeWidth = 1.5
        else:
            plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
            plot.bars[i].strokeColor = None
    drawing.add(plot)
    if has_legend:
        legend = Legend()
        legend.x, legend.y = width - 105, height - 20
        legend.fontName = "Helvetica"
        legend.fontSize = 7
        legend.alignment = "right"
        legend.colorNamePairs = [
            (PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(chart.series)
        ]
        drawing.add(legend)
    if chart.unit:
        drawing.add(String(0, height - 8, chart.unit, fontName="Helvetica", fontSize=6.5))
    return [KeepTogether([_p(chart.title, "heading"), drawing]), Spacer(1, 3 * mm)]


def _signature(doc: Document, head: Letterhead, width: float) -> Flowable:
    lines = [
        _p(f"{head.place}, {long_date(doc.signed_on)}", "sign"),
        _p(head.head_title, "sign"),
        Spacer(1, 18 * mm),
        RLParagraph(
            f"<u><b>{escape(head.head_name or '(.................................)')}</b></u>",
            STYLES["sign"],
        ),
        _p(f"NIP. {head.head_nip}" if head.head_nip else "NIP. ..................", "sign"),
    ]
    block_width = 75 * mm
    outer = RLTable([["", lines]], colWidths=[width - block_width, block_width])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 6 * mm), outer])


def write_pdf(doc: Document, head: Letterhead, out: IO[bytes]) -> None:
    """Write `doc` into the binary file `out`."""
    pagesize = landscape(A4) if doc.landscape else A4
    width = pagesize[0] - 2 * MARGIN
    template = BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=doc.title,
        author=f"{head.office} {head.government}",
        subject=doc.period,
        creator="Pilar",
    )
    frame = Frame(
        template.leftMargin, template.bottomMargin, template.width, template.height, id="body"
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story: list[Flowable] = _letterhead(doc, head, width)
    for block in doc.blocks:
        if isinstance(block, Table):
            if block.in_pdf:
                story += _table(block, width)
        elif isinstance(block, Figures):
            story += _figures(block, width)
        elif isinstance(block, Chart):
            story += _chart(block, width)
        elif isinstance(block, Paragraph):
            story.append(_p(block.text, "heading" if block.heading else "body"))
        elif isinstance(block, PageBreak):
            story.append(RLPageBreak())
    story.append(_signature(doc, head, width))
    footer = f"{doc.title} · {doc.period} · {head.office} {head.government}"
    template.build(story, canvasmaker=_numbered_canvas(footer))
