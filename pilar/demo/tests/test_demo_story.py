"""`pilar demo` tells the story to the logins the README names: reports in the PSM's
kelurahan and the TKSK's kecamatan, validated PPKS (a BNBA with rows), duplicate pairs,
cases at every stage, a candidate list, numbers that do not all end in 0001, and
people's names for the demo accounts."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from pilar.accounts.models import User
from pilar.cases.models import Case
from pilar.dedup.models import CandidatePair
from pilar.exports.bnba import bnba_filter, bnba_records
from pilar.ppks.filters import PpksRecordFilter
from pilar.ppks.models import PpksRecord
from pilar.programs.models import Candidate
from pilar.registry.models import Household, Person
from pilar.submissions.filters import inbox_for
from pilar.submissions.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path, capsys):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("demo", "--no-serve", "--households", "1200")
    return capsys.readouterr().out


def test_demo_tells_the_story(demo):
    psm = User.objects.get(username="psm-3671011001")
    tksk = User.objects.get(username="tksk-367101")
    dinsos = User.objects.get(username="dinsos")

    statuses = set(Submission.objects.filter(reporter=psm).values_list("status", flat=True))
    assert statuses == {"draf", "diajukan", "dikembalikan", "diverifikasi", "divalidasi", "ditolak"}
    assert inbox_for(tksk).exists()
    assert inbox_for(dinsos).exists()

    assert PpksRecord.objects.filter(validated_at__isnull=False).exists()
    assert PpksRecord.objects.filter(validated_at__isnull=True).exists()
    flt = bnba_filter(PpksRecordFilter())
    assert bnba_records(dinsos, flt).exists()
    assert bnba_records(tksk, flt).exists()

    assert CandidatePair.objects.exists()
    pair = CandidatePair.objects.first()
    assert pair.person_a.birth_date == pair.person_b.birth_date

    stages = set(Case.objects.values_list("status", flat=True))
    assert stages == {"baru", "asesmen", "rencana", "proses", "ditutup"}
    assert Candidate.objects.exists()

    # Serials vary like real ones: masked numbers do not all end the same.
    niks = list(
        Person.objects.filter(nik__isnull=False).exclude(nik="").values_list("nik", flat=True)[:500]
    )
    assert sum(n.endswith("0001") for n in niks) < len(niks) / 10
    assert len({n[-4:] for n in niks}) > len(niks) / 3
    kks = list(
        Household.objects.filter(no_kk__isnull=False)
        .exclude(no_kk="")
        .values_list("no_kk", flat=True)[:300]
    )
    assert len({k[-4:] for k in kks}) > len(kks) / 3

    # Demo accounts carry people's names (shown wherever they acted).
    assert dinsos.get_full_name() == "Rina Kurniasih"
    assert psm.get_full_name() and tksk.get_full_name()
    assert "pasangan kandidat data ganda" in demo and "penanganan kasus" in demo
