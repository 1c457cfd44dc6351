"""Training certificates as PDF (ReportLab): one A4 landscape page per participant,
with the certificate number and a QR code opening the public verification page
(/sertifikat/<token>/: name, event and date only)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pilar.psks.models import Participant
from pilar.regions.deployment import regency

GREEN = colors.HexColor("#0f5f56")
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def tanggal(day) -> str:
    """7 Desember 2026, whatever the server's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_range(start, end) -> str:
    if start == end:
        return tanggal(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{tanggal(end)}"
    return f"{tanggal(start)} – {tanggal(end)}"


def _qr(url: str) -> ImageReader:
    image = qrcode.make(url, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _page(pdf: canvas.Canvas, participant: Participant, verify_url: str, office: str) -> None:
    width, height = landscape(A4)
    event = participant.event
    pdf.setStrokeColor(GREEN)
    pdf.setLineWidth(6)
    pdf.rect(1 * cm, 1 * cm, width - 2 * cm, height - 2 * cm)
    pdf.setLineWidth(1)
    pdf.rect(1.4 * cm, 1.4 * cm, width - 2.8 * cm, height - 2.8 * cm)
    pdf.setFillColor(GREEN)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawCentredString(width / 2, height - 3 * cm, office.upper())
    pdf.setFont("Helvetica-Bold", 34)
    pdf.drawCentredString(width / 2, height - 5 * cm, "SERTIFIKAT")
    pdf.setFillColor(colors.black)
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(width / 2, height - 5.9 * cm, f"Nomor: {participant.certificate_number}")
    pdf.drawCentredString(width / 2, height - 7.4 * cm, "diberikan kepada")
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(width / 2, height - 8.9 * cm, participant.worker.name)
    pdf.setFont("Helvetica", 12)
    role = participant.worker.psks_type.name
    area = f"Kecamatan {participant.worker.district.name}"
    village = participant.worker.village
    if village is not None:
        area = f"Kelurahan {village.name}, {area}"
    pdf.drawCentredString(width / 2, height - 9.9 * cm, f"{role} · {area}")
    pdf.drawCentredString(width / 2, height - 11.3 * cm, "atas keikutsertaannya sebagai peserta")
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(width / 2, height - 12.3 * cm, event.title)
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(
        width / 2,
        height - 13.2 * cm,
        f"{event.place}, {date_range(event.starts_on, event.ends_on)}"
        f" · diselenggarakan oleh {event.organiser}",
    )
    issued = participant.certificate_issued_on or event.ends_on
    pdf.drawString(width - 10 * cm, 4.6 * cm, f"{regency().name.title()}, {tanggal(issued)}")
    pdf.drawString(width - 10 * cm, 4.0 * cm, "Kepala Dinas Sosial")
    pdf.drawImage(_qr(verify_url), 2.2 * cm, 2.2 * cm, width=3.6 * cm, height=3.6 * cm)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(6.1 * cm, 3.0 * cm, "Pindai kode QR untuk memeriksa keaslian sertifikat:")
    pdf.drawString(6.1 * cm, 2.6 * cm, verify_url)


def certificates_pdf(
    participants: Iterable[Participant], verify_url, office: str = "Dinas Sosial"
) -> bytes:
    """One page per participant; `verify_url(participant)` gives the QR's address."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    pdf.setTitle("Sertifikat pelatihan")
    pdf.setAuthor("Pilar")
    pages = 0
    for participant in participants:
        _page(pdf, participant, verify_url(participant), office)
        pdf.showPage()
        pages += 1
    if not pages:
        raise ValueError("no certificates")
    pdf.save()
    return buffer.getvalue()
