"""The written breach notice (UU 27/2022 art. 46 ayat 2: which data, when and how it
was disclosed, and what is done to handle and recover), drafted from the breach
record: as paragraphs for the printable page and as a PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from pilar.core.dates import today
from pilar.core.numbers import format_number
from pilar.pdp.models import Breach
from pilar.regions.deployment import regency

MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def long_date(value) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def long_moment(value) -> str:
    local = timezone.localtime(value)
    return f"{long_date(local)} pukul {local:%H.%M}"


@dataclass
class Letter:
    to: str  # "lembaga" | "subjek"
    recipient: str
    subject: str
    place_date: str
    sender: str
    paragraphs: list[tuple[str, str]]  # (heading, text)
    closing: str


def draft(breach: Breach, to: str) -> Letter:
    office = f"Dinas Sosial {regency().name}"
    if to == "lembaga":
        recipient = "Kepada Yth. Lembaga Pelindungan Data Pribadi"
        opening = (
            f"Dengan ini {office} selaku pengendali data pribadi memberitahukan secara tertulis "
            "kegagalan pelindungan data pribadi sebagaimana dimaksud pasal 46 UU 27/2022."
        )
    else:
        recipient = "Kepada Yth. Bapak/Ibu subjek data yang bersangkutan"
        opening = (
            f"Dengan ini {office} memberitahukan bahwa telah terjadi kegagalan pelindungan data "
            "pribadi yang mungkin mengenai data Bapak/Ibu (pasal 46 UU 27/2022)."
        )
    when = (
        f"Terjadi pada {long_moment(breach.occurred_at)}; diketahui pada "
        f"{long_moment(breach.discovered_at)}."
        if breach.occurred_at
        else f"Diketahui pada {long_moment(breach.discovered_at)}."
    )
    paragraphs = [
        ("", opening),
        ("Data pribadi yang terungkap", breach.data_categories),
        ("Kapan", when),
        ("Apa yang terjadi", breach.description),
        ("Bagaimana terjadi", breach.cause),
    ]
    if to == "lembaga":
        paragraphs.append(
            (
                "Jumlah subjek data",
                f"Perkiraan {format_number(breach.affected_count)} orang.",
            )
        )
    if breach.consequences:
        paragraphs.append(("Akibat yang mungkin", breach.consequences))
    paragraphs.append(("Upaya penanganan dan pemulihan", breach.measures))
    if to == "subjek":
        paragraphs.append(
            (
                "Hak Bapak/Ibu",
                "Bapak/Ibu berhak meminta akses atas data pribadi dan riwayat pemrosesannya, "
                "meminta perbaikan, dan meminta pembatasan pemrosesan (UU 27/2022 pasal 5–13), "
                "dengan menghubungi narahubung di bawah ini.",
            )
        )
    paragraphs.append(("Narahubung", breach.contact))
    return Letter(
        to=to,
        recipient=recipient,
        subject=f"Pemberitahuan kegagalan pelindungan data pribadi: {breach.title}",
        place_date=f"{regency().name.title()}, {long_date(today())}",
        sender=f"Kepala {office}",
        paragraphs=paragraphs,
        closing="Demikian pemberitahuan ini kami sampaikan.",
    )


def to_pdf(letter: Letter) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("letter", parent=styles["BodyText"], fontSize=10.5, leading=14)
    head = ParagraphStyle("letter-h", parent=body, fontName="Helvetica-Bold", spaceBefore=6)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm, topMargin=20 * mm
    )

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    story = [
        p(letter.place_date),
        Spacer(1, 4 * mm),
        p(letter.recipient),
        Spacer(1, 4 * mm),
        p(f"Perihal: {letter.subject}", head),
        Spacer(1, 2 * mm),
    ]
    for heading, text in letter.paragraphs:
        if heading:
            story.append(p(heading, head))
        story.append(p(text))
    story += [Spacer(1, 4 * mm), p(letter.closing), Spacer(1, 18 * mm), p(letter.sender)]
    doc.build(story)
    return out.getvalue()
