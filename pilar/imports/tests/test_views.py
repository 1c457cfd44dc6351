"""The import pages as Dinas Sosial uses them, and who may not use them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from python_calamine import CalamineWorkbook

from pilar.audit.models import AccessLog
from pilar.imports.models import BatchStatus, ImportBatch
from pilar.registry.models import Person

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    """Tasks are queued on commit; the test transaction never commits, so run them when
    the view's own atomic block ends, as a real commit would."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, *a, **k: func())


def upload(client, name="messy.csv", content=None, **extra):
    data = content if content is not None else (FILES / name).read_bytes()
    return client.post(reverse("imports:list"), {"file": SimpleUploadedFile(name, data), **extra})


@pytest.mark.django_db
def test_upload_check_preview_then_import(client, dinsos):
    client.force_login(dinsos)
    response = upload(client)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "imports:detail", args=[batch.pk]
    )
    # The task ran (immediate backend in tests): the preview is ready, nothing written.
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED and batch.created_by == dinsos
    page = client.get(response.url).content.decode()
    assert "Impor 5 baris valid" in page
    assert "Kepala Keluarga di baris 4" in page
    assert Person.objects.count() == 0

    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.imported_by == dinsos
    assert Person.objects.count() == 5
    assert (
        "Impor selesai" in client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    )
    # A second confirmation does nothing more.
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Person.objects.count() == 5


@pytest.mark.django_db
def test_cancel_imports_nothing(client, dinsos):
    client.force_login(dinsos)
    upload(client)
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_cannot_be_imported(client, dinsos):
    client.force_login(dinsos)
    upload(client, dry_run="1")
    batch = ImportBatch.objects.get()
    assert batch.dry_run
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Person.objects.count() == 0
    assert (
        "Impor 5 baris valid"
        not in client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    )


@pytest.mark.django_db
def test_problems_download_holds_original_rows_and_reason(client, dinsos):
    client.force_login(dinsos)
    upload(client)
    batch = ImportBatch.objects.get()
    response = client.get(reverse("imports:problems", args=[batch.pk]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][-2:] == ["alasan_ditolak", "baris_asal"]
    assert [r[0] for r in rows[1:]] == ["A-4", "B-2", "C-1", "D-1", "E-1"]
    assert "kehilangan digit" in rows[2][-2]
    assert rows[2][2] == "3.67101E+15"  # the cell as it was in the file


@pytest.mark.django_db
def test_refused_file_shows_reason(client, dinsos):
    client.force_login(dinsos)
    upload(client, name="gambar.csv", content=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "Berkas ditolak" in page and "bukan CSV atau XLSX" in page


@pytest.mark.django_db
def test_status_partial_tells_htmx_to_reload_when_finished(client, dinsos):
    client.force_login(dinsos)
    upload(client)
    batch = ImportBatch.objects.get()
    response = client.get(reverse("imports:status", args=[batch.pk]))
    assert response["HX-Refresh"] == "true"
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.CHECKING, rows_done=50, rows_total=200
    )
    response = client.get(reverse("imports:status", args=[batch.pk]))
    assert "HX-Refresh" not in response
    assert 'aria-valuenow="25"' in response.content.decode()


@pytest.mark.django_db
def test_template_downloads(client, dinsos):
    client.force_login(dinsos)
    page = client.get(reverse("imports:list")).content.decode()
    assert reverse("imports:template", args=["xlsx"]) in page
    xlsx = client.get(reverse("imports:template", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = client.get(reverse("imports:template", args=["csv"]))
    assert b"no_kk" in csv.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["psm_a", "tksk_a", "pimpinan", "mitra"])
def test_other_roles_may_not_import(client, request, dinsos, persona):
    client.force_login(dinsos)
    upload(client)
    batch = ImportBatch.objects.get()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("imports:list")).status_code == 403
    assert client.get(reverse("imports:detail", args=[batch.pk])).status_code == 403
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 403
    assert upload(client).status_code == 403
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_batch_list_exports_what_is_shown_and_is_logged(client, dinsos, tmp_path):
    client.force_login(dinsos)
    upload(client)
    upload(client, name="lain.csv", content=(FILES / "messy.csv").read_bytes())
    response = client.get(reverse("imports:export", args=["csv"]) + "?q=lain")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("batch;nama berkas;SHA-256")
    assert len(lines) == 2 and "lain.csv" in lines[1] and ";5;" in lines[1]
    xlsx = client.get(reverse("imports:export", args=["xlsx"]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert len(book.get_sheet_by_index(0).to_python()) == 3
    log = AccessLog.objects.filter(object_type="import_batches").order_by("id")
    assert [entry.extra["rows"] for entry in log] == [1, 2]
