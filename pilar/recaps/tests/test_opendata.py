"""Open data: off by default (404), only frozen months, no restricted health type,
no name/NIK/address/kelurahan, small cells suppressed with the cells that would
reveal them, the same rule in every CSV."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from pilar.figures import refresh, snapshots
from pilar.programs.models import Delivery, Enrollment, Program
from pilar.recaps import opendata, periods
from pilar.recaps.tests.conftest import month_before

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(city, settings):
    settings.PILAR_OPEN_DATA = True
    last = month_before(1)
    program = Program.objects.get(code="tangerang-terang")
    program.year = last.year
    program.save()
    enrollment = Enrollment.objects.create(
        program=program,
        period=last.year,
        household=city["hh1"],
        village_id=city["hh1"].village_id,
        status="disalurkan",
        amount=Decimal("1000000"),
        delivered_amount=Decimal("1000000"),
        delivered_on=last,
    )
    Delivery.objects.create(enrollment=enrollment, delivered_on=last, amount=Decimal("1000000"))
    refresh.rebuild()
    snapshots._freeze_kept(last, refresh.state())
    return last


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_off_by_default(client, city, settings):
    settings.PILAR_OPEN_DATA = False
    for url in (
        "/data-terbuka/",
        "/data-terbuka/data.json",
        "/data-terbuka/ppks-per-kecamatan.csv",
    ):
        assert client.get(url).status_code == 404


def test_suppression_rule(settings):
    settings.PILAR_OPEN_DATA_MIN_CELL = 5
    assert opendata.suppress([0, 4, 5, 12]) == [0, "*", 5, 12]
    # One hidden part and a shown total: the total is hidden too.
    assert opendata.suppress([3, 10, 0, 13], total_index=3) == ["*", 10, 0, "*"]
    # Two hidden parts: neither can be worked back from the total.
    assert opendata.suppress([3, 2, 10, 15], total_index=3) == ["*", "*", 10, 15]
    settings.PILAR_OPEN_DATA_MIN_CELL = 3
    assert opendata.suppress([2, 3]) == ["*", 3]


def test_catalogue(client, published):
    data = json.loads(client.get("/data-terbuka/data.json").content)
    assert data["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    slugs = [d["identifier"].rsplit("/", 1)[1] for d in data["dataset"]]
    assert slugs == [f"{d.slug}.csv" for d in opendata.DATASETS]
    for dataset in data["dataset"]:
        for key in ("title", "unit", "frequency", "source", "definition", "distribution"):
            assert dataset[key], key
        assert dataset["accrualPeriodicity"] == "R/P1M"
        assert dataset["distribution"][0]["downloadURL"].endswith(f"?bulan={published:%Y-%m}")
        assert dataset["publisher"]["name"] == "Dinas Sosial Pemerintah Kota Tangerang"


def test_csv_is_aggregated_and_suppressed(client, published, settings):
    settings.PILAR_OPEN_DATA_MIN_CELL = 5
    response = client.get("/data-terbuka/ppks-per-kecamatan.csv", {"bulan": f"{published:%Y-%m}"})
    assert response.status_code == 200
    rows = read_csv(response)
    assert {r["jenis_ppks"] for r in rows} >= {"Pengemis", "Gelandangan"}
    assert not any(r["nomor_jenis"] in ("16", "17") for r in rows)  # restricted: never
    pengemis_a = next(
        r for r in rows if r["nomor_jenis"] == "12" and r["kode_kecamatan"] == "36.71.01"
    )
    assert pengemis_a["laki_laki"] == "*" and pengemis_a["jumlah"] == "*"
    assert pengemis_a["perempuan"] == "0"
    body = response.content.decode()
    for secret in ("Budi", "Santoso", "Jl. Melati", "36.71.01.1001", "Sukarasa"):
        assert secret not in body
    # Every number left is 0 or at least the threshold.
    for row in rows:
        for key in ("laki_laki", "perempuan", "keluarga_komunitas", "jumlah"):
            assert row[key] == "*" or int(row[key]) == 0 or int(row[key]) >= 5
    with settings_threshold(settings, 1):
        rows = read_csv(client.get("/data-terbuka/ppks-per-kecamatan.csv"))
        pengemis_a = next(
            r for r in rows if r["nomor_jenis"] == "12" and r["kode_kecamatan"] == "36.71.01"
        )
        assert pengemis_a["jumlah"] == "1"


class settings_threshold:  # noqa: N801 (reads as a context manager)
    def __init__(self, settings, value):
        self.settings, self.value = settings, value

    def __enter__(self):
        self.old = self.settings.PILAR_OPEN_DATA_MIN_CELL
        self.settings.PILAR_OPEN_DATA_MIN_CELL = self.value

    def __exit__(self, *exc):
        self.settings.PILAR_OPEN_DATA_MIN_CELL = self.old


def test_every_dataset_suppresses(client, published, settings):
    settings.PILAR_OPEN_DATA_MIN_CELL = 5
    for dataset in opendata.DATASETS:
        response = client.get(f"/data-terbuka/{dataset.slug}.csv")
        assert response.status_code == 200, dataset.slug
        rows = read_csv(response)
        header = response.content.decode().split("\r\n", 1)[0]
        assert header == ",".join(dataset.columns)
        for row in rows:
            for key, value in row.items():
                if key in ("bulan", "tahun_anggaran", "nomor_jenis") or not value.isdigit():
                    continue
                assert int(value) == 0 or int(value) >= 5, (dataset.slug, key, value)


def test_amount_hidden_with_its_recipients(client, published, settings):
    settings.PILAR_OPEN_DATA_MIN_CELL = 5
    rows = read_csv(client.get("/data-terbuka/program-per-kecamatan.csv"))
    row = next(r for r in rows if r["kode_kecamatan"] == "36.71.01")
    assert (row["peserta"], row["nilai_tersalurkan_rupiah"]) == ("*", "*")
    settings.PILAR_OPEN_DATA_MIN_CELL = 1
    rows = read_csv(client.get("/data-terbuka/program-per-kecamatan.csv"))
    row = next(r for r in rows if r["kode_kecamatan"] == "36.71.01")
    assert (row["peserta"], row["nilai_tersalurkan_rupiah"]) == ("1", "1000000")


def test_current_and_bad_months_refused(client, published):
    current = periods.current_month()
    for month, status in ((f"{current:%Y-%m}", 400), ("2026-99", 400), ("2001-01", 400)):
        response = client.get("/data-terbuka/ppks-per-kecamatan.csv", {"bulan": month})
        assert response.status_code == status
    assert (
        "belum diterbitkan"
        in client.get(
            "/data-terbuka/ppks-per-kecamatan.csv", {"bulan": f"{current:%Y-%m}"}
        ).content.decode()
    )
    assert client.get("/data-terbuka/lainnya.csv").status_code == 404
    page = client.get("/data-terbuka/")
    assert page.status_code == 200 and "ppks-per-kecamatan.csv" in page.content.decode()
