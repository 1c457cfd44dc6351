"""The access export of one person as one document: the data (collect.py) and the
processing trail (trail.py), as a JSON-ready dict and as a readable PDF."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pilar.pdp.subject.collect import SubjectData, as_json
from pilar.pdp.subject.trail import TrailEntry
from pilar.regions.deployment import regency

LEGAL_NOTE = (
    "Dokumen ini diberikan atas permintaan subjek data berdasarkan Undang-Undang Nomor 27 "
    "Tahun 2022 tentang Pelindungan Data Pribadi, pasal 7 dan 32 (hak mengakses data "
    "pribadi dan riwayat pemrosesannya). Data anggota keluarga lain disamarkan sesuai "
    "pasal 33. Jika ada data yang keliru, Anda berhak meminta perbaikan (pasal 6 dan 30)."
)


def build(data: SubjectData, trail: list[TrailEntry], *, request_id: int | None) -> dict:
    person = data.person
    return {
        "judul": "Data pribadi dan riwayat pemrosesan",
        "instansi": f"Dinas Sosial {regency().name}",
        "dibuat_pada": timezone.localtime(data.generated_at).strftime("%d-%m-%Y %H:%M"),
        "permintaan": request_id,
        "dasar_hukum": LEGAL_NOTE,
        "subjek_data": {"ID": person.pk, "nama": person.name, "NIK": person.nik or ""},
        "anggota_keluarga_lain": data.others,
        "data": [
            {"tabel": s.key, "judul": s.title, "jumlah": len(s.rows), "baris": s.rows}
            for s in data.sections
        ],
        "riwayat_pemrosesan": [e.as_dict() for e in trail],
    }


def to_json(document: dict) -> bytes:
    return as_json(document).encode("utf-8")


# PDF --------------------------------------------------------------------------------

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("pdp-body", parent=_styles["BodyText"], fontSize=8.5, leading=10.5)
SMALL = ParagraphStyle("pdp-small", parent=BODY, fontSize=7.5, leading=9)
H1 = ParagraphStyle("pdp-h1", parent=_styles["Heading1"], fontSize=15, spaceAfter=4)
H2 = ParagraphStyle("pdp-h2", parent=_styles["Heading2"], fontSize=11.5, spaceBefore=8)
H3 = ParagraphStyle("pdp-h3", parent=_styles["Heading3"], fontSize=9.5, spaceBefore=4)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f3f5")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)
HEADED = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f1ff")),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _p(value: Any, style: ParagraphStyle = BODY) -> Paragraph:
    if isinstance(value, (dict, list)):
        value = as_json(value) if value else ""
    text = escape(str(value if value is not None else "")).replace("\n", "<br/>")
    return Paragraph(text, style)


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.drawString(15 * mm, 10 * mm, "Rahasia: data pribadi subjek data (UU 27/2022)")
    canvas.drawRightString(195 * mm, 10 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


def to_pdf(document: dict) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=document["judul"],
        author=document["instansi"],
    )
    subject = document["subjek_data"]
    story: list = [
        Paragraph(escape(document["instansi"]), BODY),
        Paragraph(escape(document["judul"]), H1),
        _p(
            f"Subjek data: {subject['nama']} (NIK {subject['NIK'] or '-'}). "
            f"Dibuat {document['dibuat_pada']}"
            + (f" untuk permintaan #{document['permintaan']}." if document["permintaan"] else ".")
        ),
        Spacer(1, 3 * mm),
        _p(document["dasar_hukum"], SMALL),
        Paragraph("Anggota keluarga lain (disamarkan)", H2),
    ]
    others = document["anggota_keluarga_lain"]
    if others:
        rows = [[_p("Hubungan"), _p("Nama")]] + [[_p(o["hubungan"]), _p(o["nama"])] for o in others]
        story.append(Table(rows, colWidths=[60 * mm, 120 * mm], style=HEADED))
    else:
        story.append(_p("Tidak ada."))

    story.append(Paragraph("Data yang disimpan", H2))
    for part in document["data"]:
        if not part["baris"]:
            continue
        story.append(Paragraph(f"{escape(part['judul'])} ({part['jumlah']})", H3))
        for row in part["baris"]:
            cells = [[_p(k, SMALL), _p(v, SMALL)] for k, v in row.items() if v not in ("", [], {})]
            story.append(Table(cells, colWidths=[50 * mm, 130 * mm], style=GRID))
            story.append(Spacer(1, 1.5 * mm))
    empty = [p["judul"] for p in document["data"] if not p["baris"]]
    if empty:
        story.append(_p("Tidak ada data pada: " + ", ".join(empty) + ".", SMALL))

    story.append(Paragraph("Riwayat pemrosesan", H2))
    trail = document["riwayat_pemrosesan"]
    if trail:
        header = [_p(h, SMALL) for h in ("Waktu", "Jenis", "Oleh", "Apa", "Alasan / rincian")]
        rows = [header] + [
            [
                _p(e["waktu"], SMALL),
                _p(e["jenis"], SMALL),
                _p(e["oleh"], SMALL),
                _p(e["apa"], SMALL),
                _p(" · ".join(x for x in (e["alasan"], e["rincian"]) if x), SMALL),
            ]
            for e in trail
        ]
        story.append(
            LongTable(
                rows,
                colWidths=[25 * mm, 28 * mm, 25 * mm, 45 * mm, 57 * mm],
                style=HEADED,
                repeatRows=1,
            )
        )
    else:
        story.append(_p("Belum ada catatan pemrosesan."))
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()
