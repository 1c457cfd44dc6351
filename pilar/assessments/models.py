"""Household assessments: the BPS poverty checklist and the RTLH house assessment.

Each assessment is a dated row that is never overwritten: a re-assessment is a new
row, and a household's current status is its latest assessment
(`AssessmentQuerySet.latest_per_household`). Written only by
pilar.assessments.actions (Dinas Sosial and admins, pages and API; the RTLH one
also when a housing-survey report is validated). Row history by pghistory.

The national desil stays on `registry.Household.desil` as received and is shown
beside these local results, never mixed into them.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from pilar.assessments import criteria as cr
from pilar.assessments.querysets import AssessmentQuerySet
from pilar.audit.trackers import history_trackers

_L = {c.code: c.label for c in cr.POVERTY_CRITERIA}


def _criterion(code: str) -> models.BooleanField:
    number = cr.POVERTY_BY_CODE[code].number
    return models.BooleanField(f"{number}. {_L[code]}", default=False)


@pghistory.track(*history_trackers())
class PovertyAssessment(models.Model):
    """One application of BPS's 14 poverty criteria to a household on a date, by
    an assessor (Dinas Sosial), possibly from a field report. Criteria 1-7 and 13
    may have been pre-filled from a housing survey and the head's education
    (`prefilled`, `survey`); the assessor confirmed them."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name="keluarga",
        on_delete=models.PROTECT,
        related_name="poverty_assessments",
    )
    assessed_on = models.DateField("tanggal asesmen")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="asesor",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_report = models.ForeignKey(
        "submissions.Submission",
        verbose_name="laporan sumber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The housing survey criteria 1-7 were pre-filled from (if any).
    survey = models.ForeignKey(
        "registry.HousingSurvey",
        verbose_name="survei rumah",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The 14 criteria, in the order of criteria.POVERTY_CRITERIA (a test keeps them equal).
    floor_area_small = _criterion("floor_area_small")
    floor_cheap = _criterion("floor_cheap")
    wall_cheap = _criterion("wall_cheap")
    no_toilet = _criterion("no_toilet")
    no_electricity = _criterion("no_electricity")
    unsafe_water = _criterion("unsafe_water")
    cooking_wood = _criterion("cooking_wood")
    rarely_protein = _criterion("rarely_protein")
    few_clothes = _criterion("few_clothes")
    few_meals = _criterion("few_meals")
    no_treatment = _criterion("no_treatment")
    low_income_work = _criterion("low_income_work")
    low_education = _criterion("low_education")
    no_savings = _criterion("no_savings")
    # Codes of the criteria whose value was proposed from data (the assessor confirmed).
    prefilled = ArrayField(
        models.CharField(max_length=32), verbose_name="terisi otomatis", default=list, blank=True
    )
    criteria_met = models.PositiveSmallIntegerField("jumlah kriteria terpenuhi")
    # The threshold in force when assessed (PILAR_POOR_THRESHOLD), kept with the result.
    threshold = models.PositiveSmallIntegerField("ambang batas")
    is_poor = models.BooleanField("miskin")
    due_on = models.DateField("jatuh tempo asesmen ulang")
    notes = models.TextField("catatan", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "asesmen kemiskinan"
        verbose_name_plural = "asesmen kemiskinan"
        indexes = [
            models.Index(fields=["household", "-assessed_on", "-id"], name="poverty_household_idx"),
            models.Index(fields=["due_on"], name="poverty_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Asesmen kemiskinan {self.household_id} {self.assessed_on:%d-%m-%Y}"

    def values(self) -> dict[str, bool]:
        return {code: bool(getattr(self, code)) for code in cr.POVERTY_CODES}

    @property
    def met_criteria(self) -> list[cr.Criterion]:
        return [c for c in cr.POVERTY_CRITERIA if getattr(self, c.code)]


@pghistory.track(*history_trackers())
class RtlhAssessment(models.Model):
    """The RTLH (uninhabitable house) assessment of a household's house from one
    housing survey (Permensos 20/2017): which criteria failed, the floor area per
    person and the m² threshold in force. RTLH when any criterion failed. Written
    by Dinas Sosial, or when a housing-survey report is validated."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name="keluarga",
        on_delete=models.PROTECT,
        related_name="rtlh_assessments",
    )
    assessed_on = models.DateField("tanggal asesmen")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="asesor",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    survey = models.ForeignKey(
        "registry.HousingSurvey",
        verbose_name="survei rumah",
        on_delete=models.PROTECT,
        related_name="rtlh_assessments",
    )
    # Codes from criteria.RTLH_CRITERIA (labels: `failed_criteria`).
    failed = ArrayField(
        models.CharField(max_length=32),
        verbose_name="kriteria tidak layak",
        default=list,
        blank=True,
    )
    area_per_person = models.DecimalField(
        "luas lantai per orang (m²)", max_digits=8, decimal_places=2
    )
    # PILAR_RTLH_M2_PER_PERSON when assessed.
    m2_threshold = models.DecimalField("batas luas per orang (m²)", max_digits=5, decimal_places=2)
    is_rtlh = models.BooleanField("RTLH")
    due_on = models.DateField("jatuh tempo asesmen ulang")
    notes = models.TextField("catatan", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "asesmen RTLH"
        verbose_name_plural = "asesmen RTLH"
        indexes = [
            models.Index(fields=["household", "-assessed_on", "-id"], name="rtlh_household_idx"),
            models.Index(fields=["due_on"], name="rtlh_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Asesmen RTLH {self.household_id} {self.assessed_on:%d-%m-%Y}"

    @property
    def failed_criteria(self) -> list[cr.Criterion]:
        return [cr.RTLH_BY_CODE[code] for code in self.failed if code in cr.RTLH_BY_CODE]
