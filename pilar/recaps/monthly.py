"""The mayor's monthly report: one PDF per month with the headline figures, charts
drawn by ReportLab and the official recaps of the city, listed on /rekap/ and
announced to the leaders in the app (the bell).

Run by `pilar figures monthly --month YYYY-MM` (cron on the first of each month,
for the month just ended), by the task worker (`--enqueue`, or the button on
/rekap/), and read back through the same scoped page. The report is read as a
leader reads figures: restricted health types are not itemised, and every total
says how many records it leaves out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.core.documents.model import (
    PERCENT,
    RUPIAH,
    Chart,
    Document,
    Figure,
    Figures,
    PageBreak,
    Paragraph,
    Table,
)
from pilar.core.formatting import MONTH_NAMES, format_rupiah, month_label
from pilar.figures.models import PpksFigure
from pilar.ppks.models import PpksType
from pilar.programs.models import Program
from pilar.recaps import periods, source
from pilar.recaps.builders import poverty, ppks, programs, psks, spm
from pilar.recaps.builders.context import Context, percent
from pilar.recaps.models import MonthlyReport, ReportStatus
from pilar.recaps.render import render
from pilar.submissions.models import Notification

TREND_MONTHS = 12


def default_month() -> datetime.date:
    """The month a scheduled run reports on: the one just ended."""
    return periods.add_months(periods.current_month(), -1)


def _hidden_types() -> set[int]:
    return set(PpksType.objects.filter(is_restricted=True).values_list("pk", flat=True))


def _trend(month: datetime.date, hidden: set[int]) -> tuple[list[str], list[float]]:
    start = periods.add_months(month, -(TREND_MONTHS - 1))
    by_month = dict(
        PpksFigure.objects.filter(snapshot__month__gte=start, snapshot__month__lte=month)
        .exclude(ppks_type_id__in=hidden)
        .values_list("snapshot__month")
        .annotate(n=Sum("n"))
        .order_by()
    )
    if month == periods.current_month():
        kept = source.for_month(month)
        by_month[month] = (
            PpksFigure.objects.filter(kept.q())
            .exclude(ppks_type_id__in=hidden)
            .aggregate(n=Sum("n"))["n"]
            or 0
        )
    labels, values = [], []
    m = start
    while m <= month:
        if m in by_month:
            labels.append(f"{MONTH_NAMES[m.month - 1][:3]} {m.year}")
            values.append(float(by_month[m]))
        m = periods.add_months(m, 1)
    return labels, values


def build(month: datetime.date) -> Document:
    area = periods.city()
    ctx = Context(user=None, area=area, month=month, signed_on=today())
    src = source.for_month(month)
    before = source.year_earlier(month)
    hidden = _hidden_types()
    parts = area.parts()
    codes = [c for c, _ in parts]

    counts = source.ppks_counts(src, area.prefix, by_district=True)
    old = source.ppks_counts(before, area.prefix, by_district=True) if before else {}
    per_part: dict[str, int] = defaultdict(int)
    per_part_old: dict[str, int] = defaultdict(int)
    per_type: dict[int, int] = defaultdict(int)
    hidden_n = 0
    for (code, type_id, _sex), n in counts.items():
        if type_id in hidden:
            hidden_n += n
            continue
        per_part[code] += n
        per_type[type_id] += n
    for (code, type_id, _sex), n in old.items():
        if type_id not in hidden:
            per_part_old[code] += n
    ppks_total = sum(per_part.values())

    areas = source.area_figures(src, area.prefix)
    fakir = sum(a.fakir_miskin for a in areas)
    desil_1_4 = source.total(source.desil_1_4(a) for a in areas)
    bps_poor = sum(a.poverty_poor for a in areas)
    rtlh = sum(a.rtlh for a in areas)
    rtlh_by_part: dict[str, int] = defaultdict(int)
    for a in areas:
        rtlh_by_part[a.village_id[:8]] += a.rtlh
    waiting = sum(a.reports_to_verify + a.reports_to_validate for a in areas) if areas else 0
    no_nik = source.total(a.persons_no_nik for a in areas)

    figs = source.program_figures(src, area.prefix, month.year)
    planned = sum((f.amount_planned for f in figs), Decimal(0))
    delivered = sum((f.amount_delivered for f in figs), Decimal(0))
    program_ids = {f.program_id for f in figs}
    budget = sum(
        (p.budget or Decimal(0) for p in Program.objects.filter(pk__in=program_ids)), Decimal(0)
    )
    coverage: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in figs:
        coverage[f.program_id][0] += f.eligible or 0
        coverage[f.program_id][1] += f.enrolled
        coverage[f.program_id][2] += f.delivered
    program_names = dict(Program.objects.filter(pk__in=program_ids).values_list("pk", "name"))

    target = settings.PILAR_RTLH_TARGET_YEAR
    headline = Figures(
        "Angka utama",
        [
            Figure(
                "PPKS aktif",
                ppks_total,
                note=source.hidden_text(hidden_n),
            ),
            Figure("Keluarga Fakir Miskin (PPKS 24)", fakir),
            Figure("Keluarga desil 1–4", desil_1_4),
            Figure("Keluarga miskin (14 kriteria BPS)", bps_poor),
            Figure("RTLH tersisa", rtlh, note=f"target nol RTLH tahun {target}"),
            Figure(
                f"Penyaluran program {month.year}",
                delivered,
                RUPIAH,
                note=f"dari rencana {format_rupiah(planned)}; pagu {format_rupiah(budget)}",
            ),
            Figure("Realisasi terhadap pagu", percent(delivered, budget), PERCENT),
            Figure("Laporan lapangan menunggu", waiting, note="verifikasi TKSK dan validasi"),
            Figure("Individu tanpa NIK", no_nik, note="mutu data"),
        ],
    )
    names = dict(parts)
    blocks: list = [headline, Paragraph(f"Sumber angka: {src.label}.")]
    if src.note:
        blocks.append(Paragraph(f'Catatan angka bulan ini: {src.note} Tanda "-": tidak tersedia.'))
    series = [(month_label(month), [float(per_part.get(c, 0)) for c in codes])]
    if before is not None:
        series.append((month_label(before.month), [float(per_part_old.get(c, 0)) for c in codes]))
    blocks.append(Chart("PPKS aktif per kecamatan", [names[c] for c in codes], series))
    labels, values = _trend(month, hidden)
    if len(labels) > 1:
        blocks.append(Chart("Tren PPKS aktif per bulan", labels, [("PPKS", values)], kind="line"))
    else:
        blocks.append(Paragraph("Tren per bulan belum dapat digambar: baru ada angka satu bulan."))
    types = [t for t in PpksType.objects.order_by("number") if t.pk not in hidden]
    blocks.append(
        Chart(
            "PPKS aktif per jenis",
            [f"{t.number}. {t.name}" for t in types],
            [("PPKS", [float(per_type.get(t.pk, 0)) for t in types])],
            kind="hbar",
        )
    )
    blocks.append(
        Chart(
            f"RTLH tersisa per kecamatan (target nol RTLH tahun {target})",
            [names[c] for c in codes],
            [("RTLH", [float(rtlh_by_part.get(c, 0)) for c in codes])],
        )
    )
    if coverage:
        ids = sorted(coverage, key=lambda pk: program_names.get(pk, ""))
        blocks.append(
            Chart(
                f"Cakupan program {month.year}",
                [program_names.get(pk, str(pk)) for pk in ids],
                [
                    ("Layak", [float(coverage[pk][0]) for pk in ids]),
                    ("Peserta", [float(coverage[pk][1]) for pk in ids]),
                    ("Sudah menerima", [float(coverage[pk][2]) for pk in ids]),
                ],
            )
        )
    blocks.append(PageBreak())
    ppks_doc = ppks.build(ctx)
    recap_tables: list[Table] = [ppks_doc.tables()[0], ppks_doc.tables()[2]]
    for builder in (psks, programs, spm, poverty):
        recap_tables += [t for t in builder.build(ctx).tables() if t.in_pdf]
    for i, table in enumerate(recap_tables, start=1):
        table.title = f"Lampiran {i}. " + table.title.split(". ", 1)[-1]
        # What a backfilled month lacks is said once, under the headline figures.
        table.notes = [
            n for n in table.notes if not n.startswith(("Catatan angka", "Rincian laki-laki"))
        ]
        blocks.append(table)
    blocks.append(Paragraph(spm.CANNOT))
    return Document(
        title="Laporan Bulanan Kesejahteraan Sosial",
        period=ctx.period,
        area_name=area.label,
        area_code=area.code,
        blocks=blocks,
        signed_on=ctx.signed_on,
        slug=f"laporan-bulanan-{month:%Y-%m}",
    )


def leaders() -> list[User]:
    return list(User.objects.filter(role=Role.PIMPINAN, is_active=True))


def generate(month: datetime.date, *, acting_user: User | None = None) -> MonthlyReport:
    """Write the month's PDF (replacing an earlier one) and tell the leaders. The
    month is checked by `periods.parse_month` before it gets here."""
    report, _ = MonthlyReport.objects.update_or_create(
        month=month,
        defaults={"status": ReportStatus.RUNNING, "error": "", "requested_by": acting_user},
    )
    try:
        data = render(build(month), "pdf")
    except Exception as exc:
        report.status = ReportStatus.FAILED
        report.error = str(exc)[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        raise
    with transaction.atomic():
        # The new file takes the old one's name (storage would otherwise add a suffix).
        if report.file and report.file.name:
            report.file.storage.delete(report.file.name)
        report.file.save(f"laporan-bulanan-{month:%Y-%m}.pdf", ContentFile(data), save=False)
        report.size = len(data)
        report.status = ReportStatus.DONE
        report.finished_at = timezone.now()
        report.save()
        url = reverse("recaps:monthly_file", args=[f"{month:%Y-%m}"])
        Notification.objects.bulk_create(
            Notification(
                user=user,
                message=f"Laporan bulanan {month_label(month)} sudah tersedia.",
                url=url,
            )
            for user in leaders()
        )
    return report
