"""Decrees (SK) and allowances: an SK ending before it starts, two SKs of a TKSK, the
warning before an end, no assignment and no allowance without an active SK, one
allowance per worker per period, paying, the treasurer's export."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilar.core.errors import InvalidInput
from pilar.psks.appointments import (
    create_allowances,
    create_period,
    end_appointment,
    ending_soon,
    has_active_sk,
    mark_paid,
    may_be_assigned,
    set_bank_account,
)
from pilar.psks.models import Allowance, Appointment
from pilar.psks.tests.factories import make_sk

DAY = datetime.date(2026, 6, 15)


def test_end_before_start_is_refused(dinsos, worker_a):
    with pytest.raises(InvalidInput) as info:
        make_sk(dinsos, worker_a, number="1/2026", starts_on="2026-05-01", ends_on="2026-04-30")
    assert "tidak boleh sebelum" in info.value.errors["ends_on"][0]
    assert not Appointment.objects.exists()


def test_a_tksk_holds_two_sks_but_not_two_of_one_issuer(dinsos, tksk_worker_a):
    make_sk(dinsos, tksk_worker_a, number="KEMENSOS/1", issuer="kemensos")
    make_sk(dinsos, tksk_worker_a, number="DINSOS/1", issuer="kadinsos")
    with pytest.raises(InvalidInput) as info:
        make_sk(dinsos, tksk_worker_a, number="DINSOS/2", issuer="kadinsos", starts_on="2026-06-01")
    assert "bertumpuk" in info.value.errors["starts_on"][0]
    with pytest.raises(InvalidInput):
        make_sk(
            dinsos,
            tksk_worker_a,
            number="DINSOS/1",
            issuer="kadinsos",
            starts_on="2027-01-01",
            ends_on="2027-12-31",
        )
    assert tksk_worker_a.appointments.count() == 2


def test_scan_type_is_checked(dinsos, worker_a):
    with pytest.raises(InvalidInput):
        make_sk(dinsos, worker_a, number="9/2026", decree_file=SimpleUploadedFile("sk.docx", b"x"))
    sk = make_sk(
        dinsos, worker_a, number="9/2026", decree_file=SimpleUploadedFile("sk.pdf", b"%PDF-1.4")
    )
    assert sk.decree_file.name.endswith(".pdf")
    assert sk.village_id == worker_a.village_id


def test_warning_before_the_end_unless_renewed(dinsos, worker_a, worker_a2):
    make_sk(dinsos, worker_a, number="A/1", ends_on="2026-07-31")
    make_sk(dinsos, worker_a2, number="B/1", ends_on="2026-07-31")
    make_sk(dinsos, worker_a2, number="B/2", starts_on="2026-08-01", ends_on="2027-07-31")
    soon = list(ending_soon(dinsos, DAY))
    assert [a.number for a in soon] == ["A/1"]
    assert list(ending_soon(dinsos, datetime.date(2026, 1, 2))) == []


def test_early_end_stops_the_sk(dinsos, worker_a, psm_a):
    sk = make_sk(dinsos, worker_a, number="A/1")
    psm_a.psks_worker = worker_a
    psm_a.save()
    assert has_active_sk(worker_a, DAY) and may_be_assigned(psm_a, DAY)
    end_appointment(sk, acting_user=dinsos, ended_on="2026-06-01", reason="mundur")
    assert not has_active_sk(worker_a, DAY)
    assert not may_be_assigned(psm_a, DAY)
    with pytest.raises(InvalidInput):
        end_appointment(sk, acting_user=dinsos, ended_on="2026-06-02", reason="mundur")


def test_staff_accounts_are_always_assignable(dinsos, tksk_a):
    assert may_be_assigned(dinsos) and may_be_assigned(tksk_a)


def test_one_allowance_per_worker_per_period(dinsos, worker_a, worker_a2, worker_b):
    make_sk(dinsos, worker_a, number="A/1")
    make_sk(dinsos, worker_b, number="B/1", ends_on="2026-01-31")
    period = create_period(
        acting_user=dinsos,
        data={
            "name": "Juni 2026",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-30",
            "amount": "Rp500.000",
        },
    )
    assert period.amount == 500_000
    # worker_a2 has no SK, worker_b's ended in January.
    with pytest.raises(InvalidInput) as info:
        create_allowances(
            period, acting_user=dinsos, worker_ids=[worker_a.pk, worker_a2.pk, worker_b.pk]
        )
    assert len(info.value.errors["workers"]) == 2
    assert not Allowance.objects.exists()
    assert create_allowances(period, acting_user=dinsos) == 1
    with pytest.raises(InvalidInput) as info:
        create_allowances(period, acting_user=dinsos, worker_ids=[worker_a.pk])
    assert "sudah mendapat tali asih" in info.value.errors["workers"][0]
    assert Allowance.objects.count() == 1
    with pytest.raises(InvalidInput):
        create_period(
            acting_user=dinsos,
            data={
                "name": "juni 2026",
                "starts_on": "2026-06-01",
                "ends_on": "2026-06-30",
                "amount": "1",
            },
        )


def test_paying_needs_an_account_and_happens_once(dinsos, worker_a):
    make_sk(dinsos, worker_a, number="A/1")
    period = create_period(
        acting_user=dinsos,
        data={
            "name": "Juli 2026",
            "starts_on": "2026-07-01",
            "ends_on": "2026-07-31",
            "amount": "500000",
        },
    )
    create_allowances(period, acting_user=dinsos)
    allowance = Allowance.objects.get()
    with pytest.raises(InvalidInput) as info:
        mark_paid(period, acting_user=dinsos, allowance_ids=[allowance.pk], paid_on="2026-08-01")
    assert "rekening" in info.value.errors["allowances"][0]
    with pytest.raises(InvalidInput):
        set_bank_account(
            worker_a, acting_user=dinsos, data={"bank_name": "Bank Banten", "bank_account": "12ab"}
        )
    set_bank_account(
        worker_a,
        acting_user=dinsos,
        data={"bank_name": "Bank Banten", "bank_account": "0012-3456-78"},
    )
    allowance.refresh_from_db()
    assert allowance.bank_account == "0012345678" and allowance.bank_account_name == worker_a.name
    assert (
        mark_paid(period, acting_user=dinsos, allowance_ids=[allowance.pk], paid_on="2026-08-01")
        == 1
    )
    with pytest.raises(InvalidInput):
        mark_paid(period, acting_user=dinsos, allowance_ids=[allowance.pk], paid_on="2026-08-02")
    allowance.refresh_from_db()
    assert allowance.paid_on == datetime.date(2026, 8, 1)


def test_treasurer_export(client, dinsos, worker_a):
    make_sk(dinsos, worker_a, number="A/1")
    set_bank_account(
        worker_a, acting_user=dinsos, data={"bank_name": "BJB", "bank_account": "987654321"}
    )
    period = create_period(
        acting_user=dinsos,
        data={
            "name": "Agustus 2026",
            "starts_on": "2026-08-01",
            "ends_on": "2026-08-31",
            "amount": "750000",
        },
    )
    create_allowances(period, acting_user=dinsos)
    client.force_login(dinsos)
    response = client.get(f"/psks/tali-asih/{period.pk}/ekspor.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Nomor rekening" in body and "987654321" in body and "750000" in body
    assert worker_a.name in body


def test_allowances_are_not_for_field_roles(client, tksk_a):
    client.force_login(tksk_a)
    assert client.get("/psks/tali-asih/").status_code == 403
