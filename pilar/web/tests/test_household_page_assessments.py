"""The household page shows the latest poverty and RTLH verdicts with their due dates
and links to the household's assessment page (issue 15)."""

from __future__ import annotations

import datetime

import pytest

from pilar.assessments.actions import create_poverty_assessment, create_rtlh_assessment
from pilar.assessments.tests.conftest import POOR_HOUSE, make_survey
from pilar.conftest import make_household
from pilar.core.dates import today

pytestmark = pytest.mark.django_db


def _section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</dd>", start)]


def test_household_page_shows_latest_verdicts_and_links_to_assessment(client, dinsos):
    household = make_household(dinsos)
    client.force_login(dinsos)
    html = client.get(f"/keluarga/{household.pk}/").content.decode()
    assert f'href="/asesmen/keluarga/{household.pk}/"' in html
    assert "Belum pernah dinilai." in _section(html, "poverty-verdict")
    assert "Belum pernah dinilai." in _section(html, "rtlh-verdict")

    long_ago = today() - datetime.timedelta(days=500)
    old = make_survey(household, long_ago, **POOR_HOUSE)
    create_rtlh_assessment(old, acting_user=dinsos, assessed_on=long_ago)
    all_yes = {code: True for code in ("rarely_protein", "few_clothes", "few_meals")}
    create_poverty_assessment(household, acting_user=dinsos, assessed_on=long_ago, criteria={})
    recent = today() - datetime.timedelta(days=10)
    create_poverty_assessment(household, acting_user=dinsos, assessed_on=recent, criteria=all_yes)

    html = client.get(f"/keluarga/{household.pk}/").content.decode()
    poverty = _section(html, "poverty-verdict")
    # The latest poverty assessment (10 days ago), not the old one; its due date ahead.
    assert recent.strftime("%d-%m-%Y") in poverty and long_ago.strftime("%d-%m-%Y") not in poverty
    assert "dari 14 kriteria" in poverty and "asesmen ulang" in poverty
    assert "terlambat" not in poverty
    rtlh = _section(html, "rtlh-verdict")
    assert "Tidak layak huni" in rtlh
    # 20 m² for 5 people: "4 m² per orang" (no "4.00", no "4,00").
    assert "4 m² per orang" in rtlh
    assert "terlambat sejak" in rtlh  # assessed 500 days ago, due after 12 months
