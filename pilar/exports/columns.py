"""What each export contains: Indonesian column headers, how a cell is read from a
row, and the querysets (already scoped and filtered by the list's own filter) with
the annotations that keep an export at a fixed number of queries.

NIK and No. KK are masked unless the user may reveal them (`user.can_reveal_ids`),
the same rule as on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, QuerySet, Subquery

from pilar.core.dates import today
from pilar.core.tables import DATE, DECIMAL, INT, Column, choice_label, id_reader
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.registry import choices
from pilar.registry.annotations import head_name, member_count

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Households -----------------------------------------------------------------


def household_rows(qs: QuerySet, user: User) -> QuerySet:
    """Head name, living-member count and active PPKS short names as subqueries,
    so the export is one query however many households it holds. The member count
    and head choice follow the household list page."""
    # Through restrict(): restricted health types stay hidden from roles without access.
    ppks = (
        PpksRecord.objects.restrict(user, "view")
        .filter(household_id=OuterRef("pk"), status=RecordStatus.ACTIVE)
        .order_by()
        .values("household_id")
        .annotate(
            names=StringAgg(
                "ppks_type__short_name",
                ", ",
                distinct=True,
                order_by="ppks_type__short_name",
            )
        )
        .values("names")
    )
    return qs.annotate(
        export_head_name=head_name(),
        export_member_count=member_count(),
        export_ppks=Subquery(ppks),
    )


def household_columns(user: User) -> list[Column]:
    kk = id_reader(user)
    return [
        Column("No. KK", lambda h: kk(h.no_kk), width=20),
        Column(
            "Alasan No. KK kosong",
            lambda h: choice_label(choices.MissingIdReason, h.no_kk_missing_reason),
            width=24,
        ),
        Column("Kepala keluarga", lambda h: h.export_head_name or "", width=28),
        Column("Alamat", lambda h: h.address, width=36),
        Column("RT", lambda h: h.rt, width=6),
        Column("RW", lambda h: h.rw, width=6),
        Column("Kode kelurahan", lambda h: h.village_id, width=16),
        Column("Kelurahan", lambda h: h.village.name, width=20),
        Column("Kecamatan", lambda h: h.village.district.name, width=20),
        Column("Jumlah anggota", lambda h: h.export_member_count or 0, INT, width=10),
        Column(
            "Kepemilikan rumah", lambda h: choice_label(choices.HouseOwnership, h.house_ownership)
        ),
        Column("Status lahan", lambda h: choice_label(choices.LandStatus, h.land_status)),
        Column("Lintang", lambda h: h.latitude, DECIMAL, width=12),
        Column("Bujur", lambda h: h.longitude, DECIMAL, width=12),
        Column("PPKS aktif", lambda h: h.export_ppks or "", width=24),
    ]


# Persons --------------------------------------------------------------------


def person_rows(qs: QuerySet, user: User) -> QuerySet:
    # persons_for() already joins household, village and district.
    return qs


def person_columns(user: User) -> list[Column]:
    nik = id_reader(user)
    on = today()
    return [
        Column("NIK", lambda p: nik(p.nik), width=20),
        Column(
            "Alasan NIK kosong",
            lambda p: choice_label(choices.MissingIdReason, p.nik_missing_reason),
            width=24,
        ),
        Column("Nama", lambda p: p.name, width=28),
        Column("Jenis kelamin", lambda p: choice_label(choices.Sex, p.sex), width=12),
        Column("Tempat lahir", lambda p: p.birth_place),
        Column("Tanggal lahir", lambda p: p.birth_date, DATE, width=12),
        Column("Umur", lambda p: p.age_on(on), INT, width=6),
        Column("Hubungan", lambda p: choice_label(choices.Relation, p.relation)),
        Column(
            "Status perkawinan", lambda p: choice_label(choices.MaritalStatus, p.marital_status)
        ),
        Column("Pendidikan", lambda p: choice_label(choices.Education, p.education), width=24),
        Column("Pekerjaan", lambda p: p.occupation),
        Column(
            "Disabilitas",
            lambda p: ", ".join(choice_label(choices.Disability, d) for d in p.disabilities or []),
        ),
        Column("Status kehidupan", lambda p: choice_label(choices.LifeStatus, p.life_status)),
        Column("No. KK", lambda p: nik(p.household.no_kk), width=20),
        Column("Alamat", lambda p: p.household.address, width=36),
        Column("Kelurahan", lambda p: p.household.village.name, width=20),
        Column("Kecamatan", lambda p: p.household.village.district.name, width=20),
    ]


# PPKS records ---------------------------------------------------------------


def ppks_rows(qs: QuerySet, user: User) -> QuerySet:
    # ppks_records_for() already joins type, person, household, village and district.
    return qs


def ppks_columns(user: User) -> list[Column]:
    ident = id_reader(user)
    return [
        Column("Nomor jenis", lambda r: r.ppks_type.number, INT, width=8),
        Column("Jenis PPKS", lambda r: r.ppks_type.name, width=36),
        Column("NIK", lambda r: ident(r.person.nik) if r.person else "", width=20),
        Column("Nama", lambda r: r.person.name if r.person else "", width=28),
        Column("No. KK", lambda r: ident(r.household.no_kk), width=20),
        Column("Kelurahan", lambda r: r.household.village.name, width=20),
        Column("Kecamatan", lambda r: r.household.village.district.name, width=20),
        Column("Tanggal ditemukan", lambda r: r.date_found, DATE, width=12),
        Column("Status", lambda r: choice_label(RecordStatus, r.status), width=10),
        Column("Catatan", lambda r: r.notes, width=40),
    ]
