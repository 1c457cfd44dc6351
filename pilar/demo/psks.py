"""The PSKS part of `pilar demo` (issue 17): the city's basic training of all TKSK and
PSM (836 in Kota Tangerang) with attendance, test scores and certificates; a training
running today (for trying the field app's check-in); decrees (SK) for every worker,
a few ending soon and a few ended early; a year of monthly allowances; and the
households' last verification dates, so some visits are due and some overdue.

Invitations, scores and certificates go through the actions; SKs, attendance and
allowances, a few thousand rows, are written in bulk like the rest of the demo."""

from __future__ import annotations

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.freshness.refresh import refresh
from pilar.freshness.rules import add_months
from pilar.psks.choices import CheckinMethod, EndReason, Issuer
from pilar.psks.models import (
    Allowance,
    AllowancePeriod,
    Appointment,
    Attendance,
    PsksWorker,
    TrainingEvent,
)
from pilar.psks.training import (
    create_event,
    invite,
    issue_certificates,
    record_scores,
    set_questions,
)

QUESTIONS = """
1. Siapa yang memverifikasi laporan PSM di tingkat kecamatan?
a. Lurah
*b. TKSK
c. Kemensos
d. Camat

2. Berapa jenis PPKS menurut Permensos 08/2012?
a. 12
b. 14
*c. 26
d. 39

3. Data keluarga wajib diverifikasi dan divalidasi ulang paling lambat setiap …
a. 6 bulan
b. 1 tahun
*c. 2 tahun
d. 5 tahun

4. NIK perempuan: tanggal lahir pada NIK ditambah …
a. 20
*b. 40
c. 50
d. tidak ditambah

5. Laporan yang dikirim dari ponsel tanpa sinyal …
a. hilang
*b. tersimpan dan terkirim otomatis saat ada sinyal
c. harus diketik ulang
"""

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip
BANKS = ["Bank BJB", "Bank Banten", "BRI", "BNI", "Bank Mandiri"]


def _workers() -> list[PsksWorker]:
    return list(
        PsksWorker.objects.filter(psks_type__number__in=[2, 11])
        .select_related("psks_type")
        .order_by("pk")
    )


def _bank_accounts(rng: random.Random, workers: list[PsksWorker]) -> None:
    for i, w in enumerate(workers):
        if i % 97 == 5:
            continue  # a few without an account: the treasurer's list shows them
        w.bank_name = rng.choice(BANKS)
        w.bank_account = f"{rng.randrange(10**9, 10**10)}"
        w.bank_account_name = w.name
    PsksWorker.objects.bulk_update(
        workers, ["bank_name", "bank_account", "bank_account_name"], batch_size=500
    )


def _first_month() -> datetime.date:
    """The first of the twelve months the demo's allowances cover (to this month)."""
    return add_months(today().replace(day=1), -11)


def _appointments(admin: User, workers: list[PsksWorker], year: int) -> None:
    rows = []
    first = _first_month()
    for i, w in enumerate(workers):
        start = first
        end = add_months(first, 24) - datetime.timedelta(days=1)
        if i % 70 == 3:
            end = today() + datetime.timedelta(days=20 + i % 30)  # ends soon, no successor yet
        row = Appointment(
            worker=w,
            number=f"460/{i + 1:04d}/SK-PSKS/DINSOS/{year}",
            decree_date=first - datetime.timedelta(days=12),
            issuer=Issuer.KADINSOS,
            district_id=w.district_id,
            village_id=w.village_id,
            starts_on=start,
            ends_on=end,
            created_by=admin,
        )
        if i % 150 == 77:
            row.ended_on = add_months(today().replace(day=1), -3) - datetime.timedelta(
                days=1
            )  # resigned
            row.end_reason = EndReason.RESIGNED
        rows.append(row)
        if w.psks_type.number == 11:
            rows.append(
                Appointment(
                    worker=w,
                    number=f"KEP-{i + 1:03d}/LJS.PS/{year}",
                    decree_date=first - datetime.timedelta(days=20),
                    issuer=Issuer.KEMENSOS,
                    district_id=w.district_id,
                    starts_on=first,
                    ends_on=add_months(first, 12) + datetime.timedelta(days=45),
                    created_by=admin,
                )
            )
    Appointment.objects.bulk_create(rows, batch_size=500)


def _basic_training(admin: User, rng: random.Random, year: int) -> TrainingEvent:
    # About nine months ago, so the months before and after it both hold reports.
    start = today() - datetime.timedelta(days=270)
    event = create_event(
        acting_user=admin,
        data={
            "title": f"Bimtek Dasar PSM dan TKSK Kota Tangerang {year}",
            "topic": "dasar",
            "description": (
                "Penanganan PPKS, verifikasi dan validasi data, dan aplikasi lapangan Pilar."
            ),
            "place": "Gedung Pusat Pemerintahan Kota Tangerang",
            "organiser": "Bidang Pemberdayaan Sosial, Dinas Sosial",
            "budget": "Rp418.000.000",
            "starts_on": start,
            "ends_on": start + datetime.timedelta(days=2),
        },
    )
    invite(event, acting_user=admin, types=["2", "11"])
    set_questions(event, acting_user=admin, text=QUESTIONS)
    participants = list(event.participants.select_related("worker").order_by("pk"))
    days = event.days
    rows = []
    for p in participants:
        absent = {days[rng.randrange(len(days))]} if rng.random() < 0.05 else set()
        for day in days:
            if day in absent:
                continue
            phone = rng.random() < 0.7
            moment = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(7, 30))
                + datetime.timedelta(minutes=rng.randrange(90))
            )
            rows.append(
                Attendance(
                    participant=p,
                    day=day,
                    method=CheckinMethod.PHONE if phone else CheckinMethod.LIST,
                    checked_in_at=moment,
                    recorded_by=admin,
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=1000)
    scores = {}
    for p in participants:
        pre = max(0, min(100, round(rng.gauss(55, 14) / 20) * 20))
        post = max(pre, min(100, round(rng.gauss(80, 12) / 20) * 20))
        scores[p.pk] = {"pre": str(pre), "post": str(post)}
    record_scores(event, acting_user=admin, scores=scores)
    issue_certificates(
        event,
        acting_user=admin,
        pattern=f"400.9/{{n}}/BIMTEK-DASAR/DINSOS/{year}",
        issued_on=event.ends_on,
    )
    return event


def _training_today(admin: User) -> TrainingEvent:
    """A two-day training of the first kecamatan's PSM running today: its code page and
    the field app's check-in can be tried at once."""
    day = today()
    event = create_event(
        acting_user=admin,
        data={
            "title": "Pelatihan Aplikasi Lapangan Pilar",
            "topic": "aplikasi",
            "place": "Aula Kecamatan",
            "organiser": "Dinas Sosial",
            "starts_on": day,
            "ends_on": day + datetime.timedelta(days=1),
        },
    )
    first = PsksWorker.objects.filter(psks_type__number=11).order_by("district_id").first()
    if first is not None:
        invite(event, acting_user=admin, types=["2", "11"], district=first.district_id)
    return event


def _allowances(admin: User, workers: list[PsksWorker], year: int) -> int:
    """The last twelve months: TKSK Rp1.500.000, PSM Rp500.000 a month, to workers with
    an SK in force that month; paid ten days after the month, this month not yet."""
    ended: dict[int, datetime.date] = {
        worker: day
        for worker, day in Appointment.objects.filter(ended_on__isnull=False).values_list(
            "worker_id", "ended_on"
        )
        if day is not None
    }
    now = today()
    made = 0
    for i in range(12):
        start = add_months(_first_month(), i)
        end = add_months(start, 1) - datetime.timedelta(days=1)
        period = AllowancePeriod.objects.create(
            name=f"{MONTHS[start.month - 1]} {start.year}",
            starts_on=start,
            ends_on=end,
            amount=500_000,
            created_by=admin,
        )
        paid = end < now.replace(day=1)
        rows = [
            Allowance(
                period=period,
                worker=w,
                amount=1_500_000 if w.psks_type.number == 11 else 500_000,
                bank_name=w.bank_name,
                bank_account=w.bank_account,
                bank_account_name=w.bank_account_name,
                paid_on=(end + datetime.timedelta(days=10)) if paid and w.bank_account else None,
                paid_by=admin if paid and w.bank_account else None,
                created_by=admin,
            )
            for w in workers
            if w.pk not in ended or ended[w.pk] >= start
        ]
        Allowance.objects.bulk_create(rows, batch_size=1000)
        made += len(rows)
    return made


def _verification_dates(rng: random.Random) -> None:
    """Last verification dates over the past 30 months: most recent, some near their
    two years, some past them, a few never verified."""
    refresh()
    now = today()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT household_id FROM freshness_householdfreshness ORDER BY household_id"
        )
        ids = [row[0] for row in cursor.fetchall()]
    rows = []
    for hid in ids:
        r = rng.random()
        if r < 0.05:
            continue  # never verified
        if r < 0.70:
            days = rng.randrange(30, 540)
        elif r < 0.90:
            days = rng.randrange(540, 730)
        else:
            days = rng.randrange(730, 900)
        rows.append((hid, now - datetime.timedelta(days=days)))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE freshness_householdfreshness SET last_verified_on = %s WHERE household_id = %s",
            [(day, hid) for hid, day in rows],
        )
    refresh()


@transaction.atomic
def seed(seed_value: int = 2026) -> dict[str, int]:
    """Seed once (nothing if a training exists). Returns what was made."""
    if TrainingEvent.objects.exists():
        return {}
    admin = (
        User.objects.filter(username="dinsos").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if admin is None:
        return {}
    rng = random.Random(seed_value)
    year = today().year
    workers = _workers()
    _bank_accounts(rng, workers)
    _appointments(admin, workers, year)
    event = _basic_training(admin, rng, year)
    _training_today(admin)
    allowances = _allowances(admin, workers, year)
    _verification_dates(rng)
    return {
        "participants": event.participants.count(),
        "certificates": event.participants.exclude(certificate_number=None).count(),
        "allowances": allowances,
    }
