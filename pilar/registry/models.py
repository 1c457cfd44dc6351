"""The registry: households (KK), the people in them and their membership history.

Written only through pilar.registry.actions (pages, API, seeding, imports);
every change is kept as row history by django-pghistory triggers.
"""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pilar.audit.trackers import history_trackers
from pilar.core.dates import age_on, today
from pilar.core.identity import mask
from pilar.registry import choices
from pilar.registry.names import NameKeys
from pilar.registry.querysets import (
    HouseholdQuerySet,
    HousingSurveyQuerySet,
    MembershipQuerySet,
    PersonQuerySet,
)


@pghistory.track(*history_trackers())
class Household(models.Model):
    """A family as on its family card (KK): number, address and house.
    A household without a KK (e.g. homeless people) records why it is missing."""

    no_kk = models.CharField("No. KK", max_length=16, null=True, blank=True)
    no_kk_missing_reason = models.CharField(
        "alasan No. KK kosong", max_length=32, choices=choices.MissingIdReason.choices, blank=True
    )
    no_kk_missing_note = models.CharField("keterangan No. KK kosong", max_length=200, blank=True)
    address = models.CharField("alamat", max_length=255)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    village = models.ForeignKey(
        "regions.Village", verbose_name="kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField("lintang", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("bujur", max_digits=9, decimal_places=6, null=True, blank=True)
    house_ownership = models.CharField(
        "status kepemilikan rumah",
        max_length=20,
        choices=choices.HouseOwnership.choices,
        blank=True,
    )
    land_status = models.CharField(
        "status lahan", max_length=20, choices=choices.LandStatus.choices, blank=True
    )
    # The household's welfare decile (1 = poorest 10%) as given by the national
    # registry (DTKS/DTSEN); imported, not computed here.
    desil = models.PositiveSmallIntegerField(
        "desil", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # False when the household was dissolved or merged; kept for history.
    is_active = models.BooleanField("aktif", default=True)
    source_id = models.CharField("ID sumber", max_length=64, blank=True)
    # Set when an import created the row (decision 27): the batch, and the row of its
    # stored file; such a creation has no history event of its own.
    import_batch = models.PositiveIntegerField("impor", null=True, blank=True, editable=False)
    import_row = models.PositiveIntegerField("baris impor", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "keluarga"
        verbose_name_plural = "keluarga"
        constraints = [
            models.UniqueConstraint(
                fields=["no_kk"],
                condition=Q(no_kk__isnull=False, is_active=True),
                name="household_unique_active_no_kk",
            ),
            models.CheckConstraint(
                condition=Q(no_kk__isnull=False) | ~Q(no_kk_missing_reason=""),
                name="household_no_kk_or_reason",
            ),
        ]
        indexes = [
            # Lookups by No. KK that do not also filter on is_active (the unique index is partial).
            models.Index(fields=["no_kk"], name="household_no_kk_idx"),
            models.Index(fields=["village", "-id"]),
            # Program rules join persons to households by id for the area and desil:
            # an index-only scan instead of reading the whole table (RESULTS.md, programs).
            models.Index(
                fields=["id"],
                include=["village", "desil", "is_active"],
                name="household_id_cover_idx",
            ),
            # fastupdate off: see person_name_words.
            GinIndex(
                name="household_address_trgm",
                fields=["address"],
                opclasses=["gin_trgm_ops"],
                fastupdate=False,
            ),
        ]

    def __str__(self) -> str:
        return f"KK {self.masked_no_kk or '(tanpa KK)'} - {self.address}"

    def history_label(self) -> str:
        """How a timeline names this household (pilar.audit.history)."""
        return f"KK {self.masked_no_kk or '(tanpa KK)'}"

    @property
    def masked_no_kk(self) -> str:
        return mask(self.no_kk)


@pghistory.track(*history_trackers())
class Person(models.Model):
    """A person (block IV of the instrument). `household` and `relation` mirror the
    current Membership so lists and scoping need no join through history.
    A person without a NIK records why it is missing, never an invented number."""

    nik = models.CharField("NIK", max_length=16, null=True, blank=True)
    nik_missing_reason = models.CharField(
        "alasan NIK kosong", max_length=32, choices=choices.MissingIdReason.choices, blank=True
    )
    nik_missing_note = models.CharField("keterangan NIK kosong", max_length=200, blank=True)
    # Set when the user confirmed a NIK whose encoded sex/birth date disagrees.
    nik_mismatch_reason = models.CharField("alasan beda data NIK", max_length=300, blank=True)
    name = models.CharField("nama", max_length=150)
    sex = models.CharField("jenis kelamin", max_length=1, choices=choices.Sex.choices)
    birth_place = models.CharField("tempat lahir", max_length=100, blank=True)
    birth_date = models.DateField("tanggal lahir", null=True, blank=True)
    household = models.ForeignKey(
        Household, verbose_name="keluarga", on_delete=models.PROTECT, related_name="members"
    )
    relation = models.CharField(
        "hubungan dengan kepala keluarga", max_length=20, choices=choices.Relation.choices
    )
    marital_status = models.CharField(
        "status perkawinan", max_length=20, choices=choices.MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        "pendidikan", max_length=20, choices=choices.Education.choices, blank=True
    )
    occupation = models.CharField("pekerjaan", max_length=100, blank=True)
    disabilities = ArrayField(
        models.CharField(max_length=16, choices=choices.Disability.choices),
        verbose_name="disabilitas",
        default=list,
        blank=True,
    )
    chronic_illness = models.CharField("penyakit kronis", max_length=200, blank=True)
    life_status = models.CharField(
        "status kehidupan",
        max_length=10,
        choices=choices.LifeStatus.choices,
        default=choices.LifeStatus.ALIVE,
    )
    life_status_date = models.DateField("tanggal status", null=True, blank=True)
    # False when merged into another record or removed as erroneous.
    is_active = models.BooleanField("aktif", default=True)
    source_id = models.CharField("ID sumber", max_length=64, blank=True)
    # Set when an import created the row (decision 27): the batch, and the row of its
    # stored file; such a creation has no history event of its own.
    import_batch = models.PositiveIntegerField("impor", null=True, blank=True, editable=False)
    import_row = models.PositiveIntegerField("baris impor", null=True, blank=True, editable=False)
    # UU 27/2022 art. 10-11 (decision 43): set while a restriction or objection
    # recorded in pilar.pdp is in force; only registry.actions.restrict_processing /
    # lift_processing_restriction write these, called by pdp's actions. The id of the
    # pdp request is a plain number: the registry does not import the app above it.
    processing_restricted_since = models.DateTimeField(
        "pemrosesan dibatasi sejak", null=True, blank=True, editable=False
    )
    processing_restriction_request = models.PositiveIntegerField(
        "permintaan PDP yang membatasi", null=True, blank=True, editable=False
    )
    processing_restriction_kind = models.CharField(
        "dasar pembatasan",
        max_length=12,
        choices=choices.RestrictionBasis.choices,
        blank=True,
        editable=False,
        # Set-based inserts (imports, seeding) name only the columns they fill.
        db_default="",
        default="",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "individu"
        verbose_name_plural = "individu"
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(nik__isnull=False, is_active=True),
                name="person_unique_active_nik",
            ),
            models.CheckConstraint(
                condition=Q(nik__isnull=False) | ~Q(nik_missing_reason=""),
                name="person_nik_or_reason",
            ),
        ]
        indexes = [
            # Lookups by NIK that do not also filter on is_active (the unique index is partial).
            models.Index(fields=["nik"], name="person_nik_idx"),
            # Imports match rows without a NIK by the source system's id.
            models.Index(
                fields=["source_id"], name="person_source_id_idx", condition=~Q(source_id="")
            ),
            GinIndex(
                name="person_name_trgm",
                fields=["name"],
                opclasses=["gin_trgm_ops"],
                fastupdate=False,
            ),
            # Name search by words and their misspellings, Muhammad names tagged
            # (registry/names.py NameKeys; decision 48). Without fastupdate: new rows go
            # into the index itself, not into a pending list that every search reads
            # whole (a full 4 MB list made one name search 4.4 s instead of 30 ms at 2
            # million persons; decision 46).
            GinIndex(NameKeys("name"), name="person_name_keys", fastupdate=False),
            # Age is the commonest program criterion: a birth-date range read from the
            # index alone, with what the person rules filter on next.
            models.Index(
                fields=["birth_date"],
                include=["household", "is_active", "life_status", "education"],
                name="person_birth_cover_idx",
            ),
            # Few persons are restricted: candidate lists and exports leave them out
            # through this small index.
            models.Index(
                fields=["household"],
                condition=Q(processing_restricted_since__isnull=False),
                name="person_restricted_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def history_label(self) -> str:
        """How a timeline names this person (pilar.audit.history)."""
        return self.name

    @property
    def masked_nik(self) -> str:
        return mask(self.nik)

    @property
    def processing_restricted(self) -> bool:
        return self.processing_restricted_since is not None

    def age_on(self, on: datetime.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        return age_on(self.birth_date, on or today())

    @property
    def age(self) -> int | None:
        return self.age_on()


@pghistory.track(*history_trackers())
class Membership(models.Model):
    """A person's stay in a household, from `start_date` to `end_date` (open = current).
    A move closes one membership and opens another, so the trail is kept."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(
        "hubungan dengan kepala keluarga", max_length=20, choices=choices.Relation.choices
    )
    start_date = models.DateField("mulai", default=datetime.date.today)
    end_date = models.DateField("selesai", null=True, blank=True)
    end_reason = models.CharField("alasan selesai", max_length=200, blank=True)
    # Set when an import created the row (decision 27): the batch, and the row of its
    # stored file; such a creation has no history event of its own.
    import_batch = models.PositiveIntegerField("impor", null=True, blank=True, editable=False)
    import_row = models.PositiveIntegerField("baris impor", null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "keanggotaan keluarga"
        verbose_name_plural = "keanggotaan keluarga"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="membership_one_current_per_person",
            )
        ]
        # (household_id is indexed by its foreign key; a second index only slowed writes.)

    def __str__(self) -> str:
        until = f"{self.end_date:%d-%m-%Y}" if self.end_date else "sekarang"
        return (
            f"{self.person_id} di keluarga {self.household_id} ({self.start_date:%d-%m-%Y}–{until})"
        )


@pghistory.track(*history_trackers())
class HousingSurvey(models.Model):
    """The state of a household's house on a visit (block III of the instrument).
    Dated: a new survey never overwrites an old one, so the RTLH assessment can
    compare before and after. Written when Dinas Sosial validates a field report
    (`survei_rumah`), or by Dinas Sosial directly."""

    household = models.ForeignKey(
        Household, verbose_name="keluarga", on_delete=models.PROTECT, related_name="surveys"
    )
    surveyed_on = models.DateField("tanggal survei")
    surveyor = models.ForeignKey(
        "accounts.User",
        verbose_name="petugas",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The report this survey came from (null when entered by Dinas Sosial directly).
    submission = models.ForeignKey(
        "submissions.Submission",
        verbose_name="laporan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    house_ownership = models.CharField(
        "status kepemilikan rumah", max_length=20, choices=choices.HouseOwnership.choices
    )
    land_status = models.CharField(
        "status lahan", max_length=20, choices=choices.LandStatus.choices
    )
    floor_material = models.CharField(
        "jenis lantai", max_length=20, choices=choices.FloorMaterial.choices
    )
    floor_condition = models.CharField(
        "kondisi lantai", max_length=15, choices=choices.Condition.choices
    )
    wall_material = models.CharField(
        "jenis dinding", max_length=25, choices=choices.WallMaterial.choices
    )
    wall_condition = models.CharField(
        "kondisi dinding", max_length=15, choices=choices.Condition.choices
    )
    roof_material = models.CharField(
        "jenis atap", max_length=20, choices=choices.RoofMaterial.choices
    )
    roof_condition = models.CharField(
        "kondisi atap", max_length=15, choices=choices.Condition.choices
    )
    floor_area_m2 = models.DecimalField(
        "luas lantai (m²)",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    occupants = models.PositiveSmallIntegerField(
        "jumlah penghuni", validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    water_source = models.CharField(
        "sumber air minum", max_length=25, choices=choices.WaterSource.choices
    )
    lighting_source = models.CharField(
        "sumber penerangan", max_length=20, choices=choices.LightingSource.choices
    )
    toilet = models.CharField("fasilitas BAB", max_length=10, choices=choices.Toilet.choices)
    cooking_fuel = models.CharField(
        "bahan bakar memasak", max_length=15, choices=choices.CookingFuel.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HousingSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = "survei rumah"
        verbose_name_plural = "survei rumah"
        indexes = [models.Index(fields=["household", "-surveyed_on"])]

    def __str__(self) -> str:
        return f"Survei rumah {self.household_id} {self.surveyed_on:%d-%m-%Y}"

    @property
    def area_per_person(self) -> float:
        return float(self.floor_area_m2) / max(self.occupants, 1)


# The state of the house a survey records (block III), in the instrument's order:
# the fields a field report proposes and a Bedah Rumah handover re-records.
SURVEY_FIELDS = (
    "house_ownership",
    "land_status",
    "floor_material",
    "floor_condition",
    "wall_material",
    "wall_condition",
    "roof_material",
    "roof_condition",
    "floor_area_m2",
    "occupants",
    "water_source",
    "lighting_source",
    "toilet",
    "cooking_fuel",
)


class ProcessingOverride(models.Model):
    """Processing done on a person whose processing is restricted (UU 27/2022 art. 11),
    because the office must (art. 20: a legal obligation, a vital interest, a public
    task that cannot wait): who, when, what, on which basis and why. Append-only;
    written by registry.restriction.check_processing when an action is given an
    override reason (program enrollment or delivery, case, Bedah Rumah)."""

    person = models.ForeignKey(
        Person,
        verbose_name="individu",
        on_delete=models.PROTECT,
        related_name="processing_overrides",
    )
    restriction_request = models.PositiveIntegerField("permintaan PDP yang membatasi")
    purpose = models.CharField(
        "pemrosesan", max_length=20, choices=choices.RestrictedProcessing.choices
    )
    target = models.CharField("objek", max_length=200, blank=True)
    basis = models.CharField(
        "dasar pemrosesan", max_length=20, choices=choices.OverrideBasis.choices
    )
    reason = models.TextField("alasan")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("pada", auto_now_add=True)

    class Meta:
        verbose_name = "pemrosesan meski dibatasi"
        verbose_name_plural = "pemrosesan meski dibatasi"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.person_id}"
