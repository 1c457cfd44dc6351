"""`pilar figures monthly`: writes the month's report, or queues it; bad months are
refused with an Indonesian message."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from pilar.figures import refresh, snapshots
from pilar.recaps import periods
from pilar.recaps.models import MonthlyReport, ReportStatus
from pilar.recaps.tests.conftest import month_before

pytestmark = pytest.mark.django_db


def test_monthly_defaults_to_last_month(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    last = month_before(1)
    with pytest.raises(CommandError, match="Belum ada data"):
        call_command("figures", "monthly")  # no figures for last month yet
    snapshots._freeze_kept(last, refresh.state())
    out = io.StringIO()
    call_command("figures", "monthly", stdout=out)
    report = MonthlyReport.objects.get(month=last)
    assert report.status == ReportStatus.DONE
    assert "ditulis" in out.getvalue() and report.file.path in out.getvalue()


def test_monthly_enqueue_and_bad_months(
    city, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    month = f"{periods.current_month():%Y-%m}"
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("figures", "monthly", "--month", month, "--enqueue", stdout=out)
    assert "diantrekan" in out.getvalue()
    assert MonthlyReport.objects.get().status == ReportStatus.DONE  # tests run tasks at once
    for bad, message in (("2026-13", "format TTTT-BB"), ("2999-01", "belum tiba")):
        with pytest.raises(CommandError, match=message):
            call_command("figures", "monthly", "--month", bad)
