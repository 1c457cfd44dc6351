import pytest

from pilar.accounts.models import User
from pilar.conftest import make_household
from pilar.demo.reports import seed_demo_reports
from pilar.demo.users import ensure_demo_users
from pilar.regions.deployment import villages
from pilar.submissions.filters import inbox_for
from pilar.submissions.models import Submission

pytestmark = pytest.mark.django_db


def test_demo_reports_cover_the_chain_for_the_readme_logins():

    ensure_demo_users("demo-12345")
    dinsos = User.objects.get(username="dinsos")
    first, second = list(villages().filter(district_id="36.71.01")[:2])
    for village in (first, second):
        for i in range(7):
            make_household(dinsos, village.code, address=f"Jl. Demo {i}")
    # A kelurahan of another kecamatan gets none: the story is the README's logins'.
    other = villages().exclude(district_id="36.71.01").first()
    for i in range(7):
        make_household(dinsos, other.code, address=f"Jl. Lain {i}")
    assert seed_demo_reports() == 14
    psm = User.objects.get(username="psm-3671011001")
    statuses = sorted(Submission.objects.filter(reporter=psm).values_list("status", flat=True))
    assert statuses == [
        "diajukan",
        "diajukan",
        "dikembalikan",
        "ditolak",
        "divalidasi",
        "diverifikasi",
        "draf",
    ]
    assert not Submission.objects.filter(village=other).exists()
    # The TKSK of the kecamatan has reports of both PSM waiting.
    tksk = User.objects.get(username="tksk-367101")
    waiting = inbox_for(tksk)
    assert {r.village_id for r in waiting} == {first.code, second.code}
    assert seed_demo_reports() == 0  # once only
