"""The monthly report: written as one PDF with headline figures, charts and recaps,
listed on /rekap/, leaders notified, queued from the page for the task worker, and
its download logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilar.audit.models import AccessAction, AccessLog
from pilar.conftest import make_user
from pilar.figures import refresh, snapshots
from pilar.recaps import monthly, periods
from pilar.recaps.models import MonthlyReport, ReportStatus
from pilar.recaps.tests.conftest import month_before, pdf_text
from pilar.submissions.models import Notification

pytestmark = pytest.mark.django_db


def test_generate_writes_pdf_and_notifies_leaders(city, dinsos, pimpinan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other_leader = make_user("pimpinan-2", "pimpinan")
    last = month_before(1)
    snapshots._freeze_kept(last, refresh.state())
    report = monthly.generate(last)
    assert report.status == ReportStatus.DONE and report.size > 0
    data = report.file.read()
    text = pdf_text(data)
    for expected in (
        "LAPORAN BULANAN KESEJAHTERAAN SOSIAL",
        "Angka utama",
        "PPKS aktif",
        "tidak termasuk kurang dari 5 data kesehatan terbatas",  # the ODHA record
        "PPKS aktif per kecamatan",
        "RTLH tersisa per kecamatan",
        "Lampiran 1. PPKS menurut jenis dan jenis kelamin",
        "Rehabilitasi sosial dasar di luar panti",
        "Kemiskinan dan rumah tidak layak huni",
    ):
        assert expected in text, expected
    # Leaders are told, with a link to the file; operators are not.
    notes = Notification.objects.filter(url=reverse("recaps:monthly_file", args=[f"{last:%Y-%m}"]))
    assert {n.user for n in notes} == {pimpinan, other_leader}
    assert not Notification.objects.filter(user=dinsos).exists()

    # A second run replaces the file.
    again = monthly.generate(last)
    assert MonthlyReport.objects.count() == 1 and again.file.name


def test_download_and_listing(client, city, dinsos, pimpinan, tksk_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    month = periods.current_month()
    monthly.generate(month)
    url = reverse("recaps:monthly_file", args=[f"{month:%Y-%m}"])
    client.force_login(pimpinan)
    page = client.get("/rekap/").content.decode()
    assert url in page and 'id="monthly-form"' not in page  # leaders read, do not make
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    log = AccessLog.objects.get(action=AccessAction.EXPORT, object_type="laporan_bulanan")
    assert log.user == pimpinan and log.object_id == f"{month:%Y-%m}"
    # Opening it reads the notification.
    assert not Notification.objects.filter(user=pimpinan, read_at__isnull=True).exists()
    client.force_login(tksk_a)
    assert client.get(url).status_code == 404
    client.force_login(dinsos)
    assert client.get(reverse("recaps:monthly_file", args=["2001-01"])).status_code == 404


def test_page_queues_a_report(
    client, city, dinsos, pimpinan, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(pimpinan)
    form = reverse("recaps:monthly_request")
    assert client.post(form, {"bulan": f"{periods.current_month():%Y-%m}"}).status_code == 403
    client.force_login(dinsos)
    response = client.post(form, {"bulan": "2999-01"})
    assert response.status_code == 400 and "belum tiba" in response.content.decode()
    assert not MonthlyReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form, {"bulan": f"{periods.current_month():%Y-%m}"})
    assert response.status_code == 302
    # Tests run tasks at once (settings_test): the report is done.
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.DONE and report.requested_by == dinsos
