"""BNBA ("By Name By Address") export of validated PPKS records: one row per person,
in the column layout of the by-name-by-address lists Dinas Sosial exchanges with
Kemensos (DTKS/SIKS-NG usulan). Sources and the reasoning behind each column are in
docs/pengguna/ekspor.md ("Ekspor BNBA").

Which rows: active PPKS records validated by Dinas Sosial (`validated_at` set), in
the user's area and matching the PPKS list filter (forced to validated + active).
A person-level record is the person's row; a household- or community-level record
(Fakir Miskin, Keluarga Bermasalah Sosial Psikologis, KAT) is the row of the head of
household, as BNBA lists of households name the head ("NAMA KEPALA KELUARGA").
Records of a person who died, moved away or was merged are left out: they are no
longer someone to serve and should be ended on their page.

Restricted health types (ODHA, NAPZA) are excluded for roles without health-data
access by `PpksRecord.objects.restrict` (through `ppks_records_for`).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from pilar.core.tables import INT, TEXT, Column, choice_label, id_reader
from pilar.ppks.choices import Level, RecordStatus
from pilar.ppks.filters import PpksRecordFilter, ppks_records_for
from pilar.registry import choices
from pilar.registry.choices import LifeStatus, Relation
from pilar.registry.models import Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

BATCH = 2000
NO_HEAD = "Kepala keluarga belum tercatat"


def bnba_filter(flt: PpksRecordFilter) -> PpksRecordFilter:
    """The list filter with the two conditions a BNBA always has."""
    return dataclasses.replace(flt, status=RecordStatus.ACTIVE, validated="ya")


def bnba_records(user: User, flt: PpksRecordFilter) -> QuerySet:
    """The records of the BNBA, grouped by area (kelurahan, RW, RT, household) like a
    by-name-by-address list, with the living-member count as a subquery."""
    member_count = (
        Person.objects.filter(
            household_id=OuterRef("household_id"), is_active=True, life_status=LifeStatus.ALIVE
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        ppks_records_for(user, bnba_filter(flt))
        .filter(household__is_active=True)
        .filter(
            Q(person__isnull=True) | Q(person__is_active=True, person__life_status=LifeStatus.ALIVE)
        )
        .select_related("household__village__district__regency__province")
        .annotate(bnba_member_count=Subquery(member_count))
        .order_by(
            "household__village_id",
            "household__rw",
            "household__rt",
            "household_id",
            # The household's own records (the head's row) first, then its members.
            F("person_id").asc(nulls_first=True),
            "ppks_type__number",
            "id",
        )
    )


def _heads(household_ids: set[int]) -> dict[int, Person]:
    """The head of each household (a living one first), one query per batch."""
    if not household_ids:
        return {}
    heads = (
        Person.objects.filter(
            household_id__in=household_ids, relation=Relation.HEAD, is_active=True
        )
        # DISTINCT ON (household_id): the first row per household in this order.
        .order_by("household_id", "life_status", "id")
        .distinct("household_id")
    )
    return {p.household_id: p for p in heads}


def bnba_rows(qs: QuerySet, user: User) -> Iterator:
    """Each record with `bnba_no` (row number) and `bnba_person` (the person the row
    names: the record's person, or the head of household for household-level types).
    Reads the records in batches so memory stays flat however large the export."""
    records = qs.iterator(chunk_size=BATCH)
    no = 0
    while batch := list(islice(records, BATCH)):
        heads = _heads({r.household_id for r in batch if r.person_id is None})
        for record in batch:
            no += 1
            record.bnba_no = no
            record.bnba_person = record.person or heads.get(record.household_id)
            yield record


def _date(value: datetime.date | datetime.datetime | None) -> str:
    """DD-MM-YYYY as text: the form ministry templates use, read the same by every
    spreadsheet and importer whatever its locale (a date cell is not)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value:%d-%m-%Y}"


def _person(attr: str, reader=None):
    def read(record):
        person = record.bnba_person
        if person is None:
            return ""
        value = getattr(person, attr)
        return reader(value) if reader else value

    return read


def _remarks(record) -> str:
    parts: list[str] = []
    if record.ppks_type.level != Level.PERSON:
        level = record.ppks_type.get_level_display().lower()
        if record.bnba_person is None:
            parts.append(f"PPKS tingkat {level}; {NO_HEAD.lower()}")
        else:
            parts.append(f"PPKS tingkat {level} (baris kepala keluarga)")
    if record.disability_subtypes:
        kinds = ", ".join(choice_label(choices.Disability, d) for d in record.disability_subtypes)
        parts.append(f"Jenis disabilitas: {kinds}")
    if record.notes:
        parts.append(" ".join(record.notes.split()))
    return "; ".join(parts)


def _source_id(record) -> str:
    person = record.bnba_person
    return (person.source_id if person is not None else "") or record.household.source_id


def bnba_columns(user: User | None) -> list[Column]:
    """The BNBA layout, in order. Headers in capitals as in the ministry's templates."""
    ident = id_reader(user)

    def village(r):
        return r.household.village

    def district(r):
        return r.household.village.district

    def regency(r):
        return r.household.village.district.regency

    def province(r):
        return r.household.village.district.regency.province

    return [
        Column("NO", lambda r: r.bnba_no, INT, width=6),
        Column("ID DTKS / ID SUMBER", _source_id, width=22),
        Column("KODE PROVINSI", lambda r: province(r).code, width=8),
        Column("PROVINSI", lambda r: province(r).name, width=16),
        Column("KODE KABUPATEN/KOTA", lambda r: regency(r).code, width=10),
        Column("KABUPATEN/KOTA", lambda r: regency(r).name, width=18),
        Column("KODE KECAMATAN", lambda r: district(r).code, width=10),
        Column("KECAMATAN", lambda r: district(r).name, width=18),
        Column("KODE DESA/KELURAHAN", lambda r: village(r).code, width=15),
        Column("DESA/KELURAHAN", lambda r: village(r).name, width=20),
        Column("ALAMAT", lambda r: r.household.address, width=36),
        Column("RT", lambda r: r.household.rt, width=5),
        Column("RW", lambda r: r.household.rw, width=5),
        Column("NO KK", lambda r: ident(r.household.no_kk), width=20),
        Column("NIK", _person("nik", ident), width=20),
        Column("NAMA", _person("name"), width=28),
        Column("JENIS KELAMIN", _person("sex", lambda v: choice_label(choices.Sex, v)), width=12),
        Column("TEMPAT LAHIR", _person("birth_place"), width=16),
        Column("TANGGAL LAHIR", _person("birth_date", _date), TEXT, width=12),
        Column(
            "HUBUNGAN KELUARGA",
            _person("relation", lambda v: choice_label(choices.Relation, v)),
            width=16,
        ),
        Column(
            "STATUS PERKAWINAN",
            _person("marital_status", lambda v: choice_label(choices.MaritalStatus, v)),
            width=14,
        ),
        Column("PEKERJAAN", _person("occupation"), width=18),
        Column("JUMLAH ANGGOTA KELUARGA", lambda r: r.bnba_member_count or 0, INT, width=10),
        Column("KODE JENIS PPKS", lambda r: r.ppks_type.number, INT, width=8),
        Column("JENIS PPKS", lambda r: r.ppks_type.name, width=36),
        Column("TANGGAL DITEMUKAN", lambda r: _date(r.date_found), TEXT, width=12),
        Column("TANGGAL VALIDASI", lambda r: _date(r.validated_at), TEXT, width=12),
        Column("KETERANGAN", _remarks, width=40),
    ]


def headers() -> list[str]:
    """The header row (for documentation and tests)."""
    return [c.header for c in bnba_columns(None)]
