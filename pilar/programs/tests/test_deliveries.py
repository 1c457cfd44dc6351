"""Repeated (monthly) deliveries: one Delivery row per month paid, never twice, only
inside the program period; the batch "salurkan bulan X" is all-or-none; budget
usage separates what was paid from what is still committed. One-off programs
keep their single delivery. Pages, export and API show the history."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.core.errors import InvalidInput
from pilar.programs import enrollment as en
from pilar.programs.choices import EnrollmentStatus as S
from pilar.programs.enrollment.deliveries import MSG_EVIDENCE_KIND
from pilar.programs.models import Delivery, Enrollment, EnrollmentStep, Program
from pilar.programs.tests.factories import child, head, household
from pilar.registry.models import Person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
JAN, FEB, MAR, APR = (datetime.date(2026, m, 1) for m in (1, 2, 3, 4))


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Deliveries may not be dated in the future, and approval commits the months
    from "this month": both read pilar.core.dates.today, which asks Django's
    timezone.localdate. Patched there, not on pilar.core.dates.today itself: a
    module first imported during the test would keep a `from ... import today`
    of the patched lambda for the rest of the run."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def cerdas(dinsos):
    program = Program.objects.get(code="tangerang-cerdas")
    program.year = 2026
    program.save()
    return program


@pytest.fixture
def terang(dinsos):
    program = Program.objects.get(code="tangerang-terang")
    program.year, program.amount = 2026, Decimal("1000000")
    program.save()
    return program


def _approved(dinsos, program, people, approved_at: datetime.date | None = None):
    """Enroll, propose and approve persons (person program) or households."""
    rows = []
    for who in people:
        key = "person" if program.level == "individu" else "household"
        rows.append(en.enroll(program, acting_user=dinsos, **{key: who}))
    ids = [e.pk for e in rows]
    en.propose(program, ids, acting_user=dinsos)
    en.approve(program, ids, acting_user=dinsos)
    if approved_at is not None:
        from django.utils import timezone

        at = timezone.make_aware(datetime.datetime.combine(approved_at, datetime.time(9)))
        EnrollmentStep.objects.filter(enrollment_id__in=ids, action="setujui").update(at=at)
    return list(Enrollment.objects.filter(pk__in=ids).order_by("pk"))


def _pupils(dinsos, village=VILLAGE_A):
    """Three pupils of one household: SMP (100,000), SD (80,000), SMA (200,000)."""
    hh = household(
        dinsos,
        village,
        desil=1,
        members=[
            head(),
            child("Ani", "2012-04-01", "sd", sex="P"),
            child("Bayu", "2017-02-02", "belum_tamat_sd"),
            child("Citra", "2010-05-05", "smp", sex="P"),
        ],
    )

    by_name = {p.name: p for p in Person.objects.filter(household=hh)}
    return [by_name["Ani"], by_name["Bayu"], by_name["Citra"]]


# One-off programs -----------------------------------------------------------------------


def test_one_off_delivery_writes_one_row(dinsos, terang):
    (e,) = _approved(dinsos, terang, [household(dinsos, VILLAGE_A, desil=2)])
    e = en.deliver(
        e,
        acting_user=dinsos,
        delivered_on=datetime.date(2026, 3, 5),
        amount="900000",
        amount_reason="Potongan materai",
        note="BAST 12",
    )
    d = Delivery.objects.get(enrollment=e)
    assert (d.period_month, d.amount, d.planned_amount) == (None, Decimal("900000"), e.amount)
    assert d.amount_reason == "Potongan materai" and d.actor == dinsos
    # The enrollment repeats its (only) delivery, as before.
    e.refresh_from_db()
    assert (e.status, e.delivered_on, e.delivered_amount) == (
        S.DELIVERED,
        datetime.date(2026, 3, 5),
        Decimal("900000"),
    )
    with pytest.raises(InvalidInput) as exc:  # a second delivery of a one-off benefit
        en.deliver(e, acting_user=dinsos, delivered_on=TODAY, amount="1000000", note="lagi")
    assert exc.value.codes == {"__all__": "status"}
    assert "disalurkan sekali" in exc.value.message
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(enrollment=e, delivered_on=TODAY, amount=1, actor=dinsos)
    assert Delivery.objects.filter(enrollment=e).count() == 1


def test_one_off_refuses_a_month(dinsos, terang):
    (e,) = _approved(dinsos, terang, [household(dinsos, VILLAGE_A, desil=2)])
    with pytest.raises(InvalidInput) as exc:
        en.deliver(e, acting_user=dinsos, delivered_on=TODAY, amount="1000000", note="x", month=MAR)
    assert "period_month" in exc.value.errors
    assert not Delivery.objects.exists()


# Monthly programs -----------------------------------------------------------------------


def test_pay_a_month_then_refuse_it_again(dinsos, cerdas):
    ani, _bayu, _citra = _pupils(dinsos)
    (e,) = _approved(dinsos, cerdas, [ani])
    assert e.amount == Decimal("100000") and e.school_level == "SMP"
    # Default month: the month of the delivery date.
    e = en.deliver(
        e, acting_user=dinsos, delivered_on=datetime.date(2026, 3, 5), amount="100000", note="tf"
    )
    assert e.status == S.DELIVERED and e.delivery.period_month == MAR
    with pytest.raises(InvalidInput) as exc:  # March again, with another date
        en.deliver(
            e,
            acting_user=dinsos,
            delivered_on=datetime.date(2026, 3, 20),
            amount="100000",
            note="tf",
            month=datetime.date(2026, 3, 17),
        )
    assert exc.value.codes == {"period_month": "paid"}
    assert exc.value.errors["period_month"] == [
        "Bulan Maret 2026 sudah dibayarkan kepada peserta ini pada 05-03-2026."
    ]
    # Arrears for January, paid in April; the enrollment stays delivered.
    e = en.deliver(
        e,
        acting_user=dinsos,
        delivered_on=datetime.date(2026, 4, 2),
        amount="100000",
        note="rapel",
        month=datetime.date(2026, 1, 31),
    )
    assert e.status == S.DELIVERED
    assert list(
        Delivery.objects.filter(enrollment=e).values_list("period_month", "delivered_on")
    ) == [(JAN, datetime.date(2026, 4, 2)), (MAR, datetime.date(2026, 3, 5))]
    steps = list(
        EnrollmentStep.objects.filter(enrollment=e, action="salurkan").values_list(
            "from_status", "to_status", "note"
        )
    )
    assert steps == [
        (S.APPROVED, S.DELIVERED, "Bulan Maret 2026 · tf"),
        (S.DELIVERED, S.DELIVERED, "Bulan Januari 2026 · rapel"),
    ]
    # The database refuses a second row for the month as well.
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            enrollment=e, period_month=MAR, delivered_on=TODAY, amount=1, actor=dinsos
        )
    # Completing ends the payments.
    e = en.complete(e, acting_user=dinsos)
    assert e.status == S.COMPLETED
    with pytest.raises(InvalidInput) as exc:
        en.deliver(e, acting_user=dinsos, delivered_on=TODAY, amount="100000", note="x", month=APR)
    assert "berstatus selesai" in exc.value.message


def test_month_outside_period_refused(dinsos, cerdas):
    ani, *_ = _pupils(dinsos)
    (e,) = _approved(dinsos, cerdas, [ani])
    for month in (datetime.date(2025, 12, 1), datetime.date(2027, 1, 1)):
        with pytest.raises(InvalidInput) as exc:
            en.deliver(
                e, acting_user=dinsos, delivered_on=TODAY, amount="100000", note="x", month=month
            )
        assert exc.value.codes == {"period_month": "period"}
    assert (
        "di luar periode program (Januari 2026 s.d. Desember 2026)"
        in (exc.value.errors["period_month"][0])
    )
    # A period given by dates (a school year, July to June) moves the window.
    cerdas.start_date, cerdas.end_date = datetime.date(2025, 7, 1), datetime.date(2026, 6, 30)
    cerdas.save()
    assert en.period_months(cerdas)[0] == datetime.date(2025, 7, 1)
    assert len(en.period_months(cerdas)) == 12
    with pytest.raises(InvalidInput):
        en.deliver(
            e,
            acting_user=dinsos,
            delivered_on=TODAY,
            amount="100000",
            note="x",
            month=datetime.date(2026, 7, 1),
        )
    en.deliver(
        e,
        acting_user=dinsos,
        delivered_on=TODAY,
        amount="100000",
        note="x",
        month=datetime.date(2025, 12, 1),
    )
    assert Delivery.objects.filter(enrollment=e).count() == 1


def test_monthly_refuses_not_approved_and_rejected(dinsos, cerdas):
    ani, bayu, _ = _pupils(dinsos)
    proposed = en.enroll(cerdas, acting_user=dinsos, person=ani)
    en.propose(cerdas, [proposed.pk], acting_user=dinsos)
    with pytest.raises(InvalidInput) as exc:
        en.deliver(proposed, acting_user=dinsos, delivered_on=TODAY, amount="100000", note="x")
    assert exc.value.codes == {"__all__": "status"}
    assert "sudah disetujui" in exc.value.message
    (rejected,) = _approved(dinsos, cerdas, [bayu])
    en.reject(cerdas, [rejected.pk], acting_user=dinsos, reason="Pindah sekolah ke luar kota")
    with pytest.raises(InvalidInput) as exc:
        en.deliver(rejected, acting_user=dinsos, delivered_on=TODAY, amount="80000", note="x")
    assert "berstatus ditolak" in exc.value.message
    assert not Delivery.objects.exists()


def test_monthly_amount_differs_needs_reason(dinsos, psm_a, cerdas):
    ani, *_ = _pupils(dinsos)
    (e,) = _approved(dinsos, cerdas, [ani])
    with pytest.raises(PermissionDenied):
        en.deliver(e, acting_user=psm_a, delivered_on=TODAY, amount="100000", note="x")
    with pytest.raises(InvalidInput) as exc:
        en.deliver(e, acting_user=dinsos, delivered_on=TODAY, amount="50000", note="x", month=FEB)
    assert exc.value.codes == {"amount_reason": "amount_differs"}
    assert "Rp50.000" in exc.value.errors["amount_reason"][0]
    assert "Rp100.000" in exc.value.errors["amount_reason"][0]
    e = en.deliver(
        e,
        acting_user=dinsos,
        delivered_on=TODAY,
        amount="50000",
        amount_reason="Masuk sekolah pertengahan bulan",
        note="x",
        month=FEB,
    )
    d = e.delivery
    assert (d.amount, d.planned_amount, d.amount_reason) == (
        Decimal("50000"),
        Decimal("100000"),
        "Masuk sekolah pertengahan bulan",
    )
    # Written around the action, a different amount without a reason is refused too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            enrollment=e,
            period_month=MAR,
            delivered_on=TODAY,
            amount=1,
            planned_amount=Decimal("100000"),
            actor=dinsos,
        )


def test_batch_month_all_or_none(dinsos, cerdas):
    ani, bayu, citra = _pupils(dinsos)
    rows = _approved(dinsos, cerdas, [ani, bayu, citra])
    by_name = {e.person.name: e for e in rows}
    en.deliver(
        by_name["Bayu"], acting_user=dinsos, delivered_on=TODAY, amount="80000", note="x", month=MAR
    )
    ids = [e.pk for e in rows]
    with pytest.raises(InvalidInput) as exc:
        en.deliver_month(
            cerdas, ids, acting_user=dinsos, month=MAR, delivered_on=TODAY, note="SP2D 1"
        )
    assert exc.value.codes == {"__all__": "paid"}
    assert f"ID {by_name['Bayu'].pk}" in exc.value.message
    # Nothing written for the other two: no delivery, still approved, no step.
    assert Delivery.objects.count() == 1
    assert {e.status for e in Enrollment.objects.filter(pk__in=ids)} == {S.APPROVED, S.DELIVERED}
    assert Enrollment.objects.get(pk=by_name["Ani"].pk).status == S.APPROVED
    assert not EnrollmentStep.objects.filter(
        enrollment_id=by_name["Ani"].pk, action="salurkan"
    ).exists()
    # Outside the period: refused the same way.
    with pytest.raises(InvalidInput) as exc:
        en.deliver_month(
            cerdas,
            ids,
            acting_user=dinsos,
            month=datetime.date(2027, 1, 1),
            delivered_on=TODAY,
            note="x",
        )
    assert exc.value.codes == {"period_month": "period"}
    # April for all three: each their planned amount, one shared evidence file.
    upload = SimpleUploadedFile("sp2d.pdf", b"%PDF-1.4 daftar transfer", "application/pdf")
    n = en.deliver_month(
        cerdas, ids, acting_user=dinsos, month=APR, delivered_on=TODAY, evidence=upload
    )
    assert n == 3
    april = {d.enrollment_id: d for d in Delivery.objects.filter(period_month=APR)}
    assert {april[e.pk].amount for e in rows} == {
        Decimal("100000"),
        Decimal("80000"),
        Decimal("200000"),
    }
    assert all(april[e.pk].amount == e.amount for e in rows)
    names = {d.evidence.name for d in april.values()}
    assert len(names) == 1 and names.pop().startswith(f"penyaluran/{cerdas.pk}/bulan-2026-04-")
    assert {e.status for e in Enrollment.objects.filter(pk__in=ids)} == {S.DELIVERED}
    # One not approved yet in the selection refuses the whole batch.
    other = en.enroll(cerdas, acting_user=dinsos, person=_pupils(dinsos)[0])
    en.propose(cerdas, [other.pk], acting_user=dinsos)
    with pytest.raises(InvalidInput) as exc:
        en.deliver_month(
            cerdas,
            [*ids, other.pk],
            acting_user=dinsos,
            month=datetime.date(2026, 5, 1),
            delivered_on=TODAY,
            note="x",
        )
    assert "berstatus diusulkan" in exc.value.message
    assert not Delivery.objects.filter(period_month=datetime.date(2026, 5, 1)).exists()


def test_batch_refused_for_one_off_program(dinsos, terang):
    (e,) = _approved(dinsos, terang, [household(dinsos, VILLAGE_A, desil=2)])
    with pytest.raises(InvalidInput) as exc:
        en.deliver_month(
            terang, [e.pk], acting_user=dinsos, month=MAR, delivered_on=TODAY, note="x"
        )
    assert exc.value.codes == {"__all__": "not_monthly"}


def test_evidence_must_be_pdf_or_photo(dinsos, cerdas):
    ani, *_ = _pupils(dinsos)
    (e,) = _approved(dinsos, cerdas, [ani])
    fake = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(InvalidInput) as exc:
        en.deliver(e, acting_user=dinsos, delivered_on=TODAY, amount="100000", evidence=fake)
    assert exc.value.errors["evidence"] == [MSG_EVIDENCE_KIND]
    assert not Delivery.objects.exists()


# Budget ---------------------------------------------------------------------------------


def test_budget_paid_apart_from_committed_monthly(dinsos, cerdas):
    cerdas.budget = Decimal("5000000")
    cerdas.save()
    ani, bayu, _ = _pupils(dinsos)
    # Ani (100,000 a month) approved in January: twelve months committed.
    (a,) = _approved(dinsos, cerdas, [ani], approved_at=datetime.date(2026, 1, 10))
    usage = en.budget_usage(cerdas)
    assert (usage["paid"], usage["committed"]) == (0, Decimal("1200000"))
    assert usage["left"] == Decimal("3800000")
    en.deliver(a, acting_user=dinsos, delivered_on=TODAY, amount="100000", note="x", month=JAN)
    en.deliver(
        a,
        acting_user=dinsos,
        delivered_on=TODAY,
        amount="60000",
        amount_reason="Dipotong",
        note="x",
        month=FEB,
    )
    # Bayu (80,000) approved in July: July-December, six months.
    (b,) = _approved(dinsos, cerdas, [bayu], approved_at=datetime.date(2026, 7, 2))
    usage = en.budget_usage(cerdas)
    assert usage["paid"] == Decimal("160000")
    assert usage["committed"] == Decimal("1000000") + Decimal("480000")
    assert usage["used"] == usage["paid"] + usage["committed"]
    assert usage["left"] == Decimal("5000000") - Decimal("1640000")
    # A month before Bayu's approval is paid (allowed) without changing his six months.
    en.deliver(b, acting_user=dinsos, delivered_on=TODAY, amount="80000", note="x", month=MAR)
    assert en.budget_usage(cerdas)["committed"] == Decimal("1480000")
    # Completed: nothing more committed for Ani; what she was paid stays paid.
    en.complete(Enrollment.objects.get(pk=a.pk), acting_user=dinsos)
    usage = en.budget_usage(cerdas)
    assert (usage["paid"], usage["committed"]) == (Decimal("240000"), Decimal("480000"))


def test_approval_commits_the_remaining_months(dinsos, cerdas):
    # Today is June 15: approving now commits June-December, seven months.
    ani, bayu, _ = _pupils(dinsos)
    cerdas.budget = Decimal("1000000")
    cerdas.save()
    (a,) = _approved(dinsos, cerdas, [ani], approved_at=TODAY)  # 7 x 100,000 = 700,000
    assert en.budget_usage(cerdas)["committed"] == Decimal("700000")
    e = en.enroll(cerdas, acting_user=dinsos, person=bayu)
    en.propose(cerdas, [e.pk], acting_user=dinsos)
    with pytest.raises(InvalidInput) as exc:  # 7 x 80,000 = 560,000 > 300,000 left
        en.approve(cerdas, [e.pk], acting_user=dinsos)
    assert exc.value.codes == {"__all__": "budget"}
    assert "akan ditambah Rp560.000" in exc.value.message


def test_payment_never_exceeds_budget(dinsos, terang):
    terang.budget = Decimal("1000000")
    terang.save()
    (e,) = _approved(dinsos, terang, [household(dinsos, VILLAGE_A, desil=2)])
    with pytest.raises(InvalidInput) as exc:
        en.deliver(
            e,
            acting_user=dinsos,
            delivered_on=TODAY,
            amount="1200000",
            amount_reason="Tambahan biaya instalasi",
            note="x",
        )
    assert exc.value.codes == {"amount": "budget"}
    usage = en.budget_usage(terang)
    assert (usage["paid"], usage["committed"], usage["left"]) == (0, Decimal("1000000"), 0)
    en.deliver(e, acting_user=dinsos, delivered_on=TODAY, amount="1000000", note="BAST")
    usage = en.budget_usage(terang)
    assert (usage["paid"], usage["committed"], usage["left"]) == (Decimal("1000000"), 0, 0)


# Migration ------------------------------------------------------------------------------


def test_migration_copies_earlier_deliveries(dinsos, terang, cerdas):

    copy = importlib.import_module("pilar.programs.migrations.0006_deliveries").copy_deliveries
    one_off = Enrollment.objects.create(
        program=terang,
        period=2026,
        household=household(dinsos, VILLAGE_A, desil=2),
        village_id=VILLAGE_A,
        status=S.DELIVERED,
        amount=Decimal("1000000"),
        delivered_on=datetime.date(2026, 2, 3),
        delivered_amount=Decimal("1000000"),
        delivery_note="BAST lama",
    )
    ani, *_ = _pupils(dinsos)
    monthly = Enrollment.objects.create(
        program=cerdas,
        period=2026,
        household=ani.household,
        person=ani,
        village_id=VILLAGE_A,
        status=S.DELIVERED,
        amount=Decimal("100000"),
        delivered_on=datetime.date(2026, 5, 9),
        delivered_amount=Decimal("100000"),
        delivery_note="tf",
    )
    copy(apps, None)
    assert list(
        Delivery.objects.order_by("enrollment_id").values_list(
            "enrollment_id", "period_month", "amount", "note"
        )
    ) == [
        (one_off.pk, None, Decimal("1000000"), "BAST lama"),
        (monthly.pk, datetime.date(2026, 5, 1), Decimal("100000"), "tf"),
    ]


# Pages, export, API ---------------------------------------------------------------------


def test_delivery_tab_history_batch_and_export(client, dinsos, psm_a, cerdas):
    ani, bayu, citra = _pupils(dinsos)
    rows = _approved(dinsos, cerdas, [ani, bayu, citra])
    client.force_login(dinsos)
    url = f"/program/{cerdas.pk}/peserta/penyaluran/"
    response = client.post(
        url + "aksi/",
        {
            "op": "deliver_month",
            "ids": [e.pk for e in rows],
            "period_month": "2026-02",
            "delivered_on": "2026-03-01",
            "note": "SP2D 7",
            "belum_dibayar": "2026-02",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?belum_dibayar=2026-02")
    assert Delivery.objects.filter(period_month=FEB).count() == 3
    one = rows[0]
    client.post(
        url + "aksi/",
        {
            "op": "deliver",
            "enrollment": one.pk,
            "period_month": "2026-03",
            "delivered_on": "2026-04-01",
            "amount": "100000",
            "note": "tf",
        },
    )
    assert Delivery.objects.filter(enrollment=one).count() == 2
    page = client.get(url).content.decode()
    assert "Riwayat penyaluran" in page and "2 bulan" in page and "Rp200.000" in page
    assert 'id="batch-deliver"' in page
    # Filter: not paid for March leaves out the one paid.
    page = client.get(url + "?belum_dibayar=2026-03").content.decode()
    assert f'data-id="{one.pk}"' not in page and f'data-id="{rows[1].pk}"' in page
    export = client.get(f"/program/{cerdas.pk}/peserta/penyaluran/daftar.csv")
    body = b"".join(export.streaming_content).decode()
    assert "Bulan dibayar" in body and "2026-02, 2026-03" in body
    # A PSM sees the history of their kelurahan but has no delivery controls.
    client.force_login(psm_a)
    page = client.get(url).content.decode()
    assert "Riwayat penyaluran" in page and 'id="batch-deliver"' not in page
    assert client.post(url + "aksi/", {"op": "deliver_month"}).status_code == 403


def test_delivery_page_error_is_a_message(client, dinsos, cerdas):
    ani, *_ = _pupils(dinsos)
    (e,) = _approved(dinsos, cerdas, [ani])
    client.force_login(dinsos)
    url = f"/program/{cerdas.pk}/peserta/penyaluran/"
    response = client.post(
        url + "aksi/",
        {"op": "deliver_month", "ids": [e.pk], "period_month": "2027-02", "delivered_on": ""},
        follow=True,
    )
    text = response.content.decode()
    assert "Tanggal penyaluran wajib diisi." in text
    assert "di luar periode program" in text
    assert not Delivery.objects.exists()


def test_api_list_and_create_deliveries(client, dinsos, psm_a, psm_b, cerdas):
    ani, *_ = _pupils(dinsos)
    (e,) = _approved(dinsos, cerdas, [ani])
    url = f"/api/v1/programs/enrollments/{e.pk}/deliveries"
    client.force_login(dinsos)
    created = client.post(
        url,
        {"delivered_on": "2026-03-05", "amount": "100000", "period_month": "2026-03", "note": "tf"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["period_month"] == "2026-03"
    again = client.post(
        url,
        {"delivered_on": "2026-03-06", "amount": "100000", "period_month": "2026-03", "note": "tf"},
        content_type="application/json",
    )
    assert again.status_code == 422 and "sudah dibayarkan" in again.content.decode()
    upload = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 x", "application/pdf")
    multipart = client.post(
        url, {"delivered_on": "2026-04-02", "amount": "100000", "evidence": upload}
    )
    assert multipart.status_code == 201 and multipart.json()["evidence_url"]
    listing = client.get(url).json()
    assert listing["months_paid"] == ["2026-03", "2026-04"]
    assert listing["paid_total"] in ("200000.00", 200000, "200000")
    assert "2026-01" in listing["months_open"] and "2026-03" not in listing["months_open"]
    batch = client.post(
        f"/api/v1/programs/{cerdas.pk}/deliveries/month",
        {"ids": [e.pk], "period_month": "2026-05", "delivered_on": "2026-05-04", "note": "SP2D"},
        content_type="application/json",
    )
    assert batch.status_code == 201 and batch.json() == {"count": 1, "period_month": "2026-05"}
    # Beneficiaries show the summary.
    items = client.get(f"/api/v1/programs/{cerdas.pk}/beneficiaries").json()["items"]
    assert items[0]["months_paid"] == ["2026-03", "2026-04", "2026-05"]
    assert items[0]["delivery_count"] == 3
    # In area: a PSM may read but not write; out of area: 404.
    client.force_login(psm_a)
    assert client.get(url).status_code == 200
    refused = client.post(
        url,
        {"delivered_on": "2026-06-01", "amount": "100000", "note": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(psm_b)
    assert client.get(url).status_code == 404
    assert Delivery.objects.filter(enrollment=e).count() == 3


def test_history_list_has_no_per_row_queries(client, dinsos, cerdas, django_assert_max_num_queries):
    pupils = _pupils(dinsos) + _pupils(dinsos, VILLAGE_B)
    rows = _approved(dinsos, cerdas, pupils)
    en.deliver_month(
        cerdas, [e.pk for e in rows], acting_user=dinsos, month=JAN, delivered_on=TODAY, note="x"
    )
    client.force_login(dinsos)
    url = f"/program/{cerdas.pk}/peserta/penyaluran/"
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    small = len(few.captured_queries)
    more = _pupils(dinsos)
    rows = _approved(dinsos, cerdas, more)
    en.deliver_month(
        cerdas, [e.pk for e in rows], acting_user=dinsos, month=JAN, delivered_on=TODAY, note="x"
    )
    with django_assert_max_num_queries(small) as many:
        client.get(url)
    assert len(many.captured_queries) <= small
