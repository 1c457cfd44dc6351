"""By-name-by-address (BNBA) list of a ratification batch (SK penetapan).

`frozen_rows` is computed once, when the decree is recorded, and stored on the
Ratification: the list the SK fixed never changes afterwards, whatever happens
to the registry."""

from __future__ import annotations

from pilar.registry.models import Person
from pilar.submissions.models import Submission

COLUMNS = [
    ("no", "No"),
    ("laporan", "No. Laporan"),
    ("jenis_laporan", "Jenis Laporan"),
    ("kecamatan", "Kecamatan"),
    ("kelurahan", "Kelurahan"),
    ("alamat", "Alamat"),
    ("rt", "RT"),
    ("rw", "RW"),
    ("no_kk", "No. KK"),
    ("nik", "NIK"),
    ("nama", "Nama"),
    ("jenis_kelamin", "Jenis Kelamin"),
    ("tanggal_lahir", "Tanggal Lahir"),
    ("hubungan", "Hubungan Keluarga"),
    ("pelapor", "Pelapor"),
    ("diverifikasi_oleh", "Diverifikasi Oleh"),
    ("tanggal_validasi", "Tanggal Validasi"),
]


def frozen_rows(submissions: list[Submission]) -> list[dict]:
    """One row per person of each submission (the household's members for a new
    household or a housing survey; the persons touched otherwise)."""
    rows: list[dict] = []
    for submission in sorted(submissions, key=lambda r: (r.village_id, r.pk)):
        household = submission.household
        ids = submission.result.get("person_ids") or []
        people = Person.objects.filter(pk__in=ids) if ids else Person.objects.none()
        if not ids and household is not None:
            people = household.members.filter(is_active=True)
        village = submission.village
        base = {
            "laporan": submission.pk,
            "jenis_laporan": submission.get_kind_display(),
            "kecamatan": village.district.name,
            "kelurahan": village.name,
            "alamat": household.address if household else "",
            "rt": household.rt if household else "",
            "rw": household.rw if household else "",
            "no_kk": (household.no_kk or "") if household else "",
            "pelapor": submission.reporter.get_full_name() or submission.reporter.username,
            "diverifikasi_oleh": (
                (submission.verified_by.get_full_name() or submission.verified_by.username)
                if submission.verified_by
                else ""
            ),
            "tanggal_validasi": f"{submission.decided_at:%d-%m-%Y}"
            if submission.decided_at
            else "",
        }
        people_list = list(people.order_by("pk"))
        if not people_list:
            rows.append(
                {
                    **base,
                    "nik": "",
                    "nama": "",
                    "jenis_kelamin": "",
                    "tanggal_lahir": "",
                    "hubungan": "",
                }
            )
        for person in people_list:
            rows.append(
                {
                    **base,
                    "nik": person.nik or "",
                    "nama": person.name,
                    "jenis_kelamin": person.get_sex_display(),
                    "tanggal_lahir": f"{person.birth_date:%d-%m-%Y}" if person.birth_date else "",
                    "hubungan": person.get_relation_display(),
                }
            )
    for i, row in enumerate(rows, 1):
        row["no"] = i
    return rows
