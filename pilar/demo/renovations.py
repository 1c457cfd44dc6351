"""Demo data for the Bedah Rumah pages: a few RTLH households enrolled in Bedah
Rumah through the real actions, their renovations at every stage (ready, planning,
under way, handed over, one still RTLH after handover), with generated photos.
Used by `pilar demo` after the demo assessments."""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from pilar.accounts.models import User
from pilar.assessments.models import RtlhAssessment
from pilar.core.dates import today
from pilar.programs import enrollment as enrollment_actions
from pilar.programs.models import Enrollment, Program
from pilar.registry.models import Household
from pilar.renovations import actions
from pilar.renovations.models import Renovation

STAGES = ["siap", "perencanaan", "pelaksanaan", "pelaksanaan", "serah_terima", "serah_terima"]
ITEMS = [
    ("bahan", "Bata ringan", "350", "buah", "9.500"),
    ("bahan", "Semen 50 kg", "30", "sak", "68.000"),
    ("bahan", "Rangka atap baja ringan", "1", "paket", "3.200.000"),
    ("bahan", "Genteng metal", "40", "lembar", "42.000"),
    ("bahan", "Keramik lantai 40x40", "20", "m²", "75.000"),
    ("upah", "Tukang dan kenek", "20", "OH", "150.000"),
]


def _photo(text: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    # Loaded on first use: a heavy library, kept out of start-up.
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 180, 520, 420), outline=(255, 255, 255), width=6)
    draw.polygon([(100, 190), (320, 60), (540, 190)], outline=(255, 255, 255), width=6)
    draw.text((24, 20), text, fill=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile(f"{text}.jpg", buf.getvalue(), content_type="image/jpeg")


def seed(count: int = 12, seed: int = 2026) -> int:
    """Enroll up to `count` RTLH households in Bedah Rumah and take their
    renovations through the stages. Once: returns 0 when renovations exist."""

    if Renovation.objects.exists():
        return 0
    dinsos = User.objects.filter(role="dinsos", is_active=True).order_by("id").first()
    program = Program.objects.filter(code="bedah-rumah").first()
    if dinsos is None or program is None:
        return 0
    rng = random.Random(seed)
    latest = RtlhAssessment.objects.latest_per_household().filter(is_rtlh=True)
    household_ids = list(
        latest.filter(household__is_active=True)
        .order_by("household_id")
        .values_list("household_id", flat=True)[: count * 3]
    )
    rng.shuffle(household_ids)
    made = 0
    day0 = today()
    for n, household_id in enumerate(household_ids[:count]):
        household = Household.objects.get(pk=household_id)
        try:
            listed = enrollment_actions.enroll(program, acting_user=dinsos, household=household)
            enrollment_actions.propose(program, [listed.pk], acting_user=dinsos)
            item = Enrollment.objects.get(program=program, household=household, status="diusulkan")
            enrollment_actions.approve(program, [item.pk], acting_user=dinsos)
        except Exception:  # noqa: BLE001 - demo data: skip a household the rules refuse
            continue
        stage = STAGES[n % len(STAGES)]
        made += 1
        if stage == "siap":
            continue
        last_survey = household.surveys.order_by("-surveyed_on").first()
        if last_survey is None:
            continue
        surveyed = last_survey.surveyed_on
        start = max(surveyed + datetime.timedelta(days=20), day0 - datetime.timedelta(days=300))
        start = start + datetime.timedelta(days=rng.randint(0, 60))
        if start > day0 - datetime.timedelta(days=40):
            start = day0 - datetime.timedelta(days=40)
        mode = "kontraktor" if n % 2 else "swakelola"
        plan = {
            "mode": mode,
            "contractor": "CV Bangun Sejahtera" if mode == "kontraktor" else "Pokmas RW 03",
            "contract_number": f"SPK/{27 + n:03d}/BR/{start.year}" if mode == "kontraktor" else "",
            "planned_start": start.isoformat(),
            "planned_finish": (start + datetime.timedelta(days=45)).isoformat(),
        }
        renovation = actions.open_renovation(item, acting_user=dinsos, data=plan)
        items = [
            {"category": c, "description": d, "quantity": q, "unit": u, "unit_price": p}
            for c, d, q, u, p in ITEMS
        ]
        actions.save_plan(renovation, acting_user=dinsos, data=plan, items=items)
        actions.add_photos(
            renovation,
            acting_user=dinsos,
            kind="sebelum",
            taken_on=(start - datetime.timedelta(days=5)).isoformat(),
            files=[_photo("Sebelum", (130, 90, 60))],
            data={},
        )
        if stage == "perencanaan":
            continue
        actions.start_work(renovation, acting_user=dinsos, started_on=start.isoformat())
        steps = [35, 70, 100] if stage == "serah_terima" else [rng.choice([20, 30, 45, 60])]
        on = start
        for percent in steps:
            on = on + datetime.timedelta(days=rng.randint(8, 12))
            actions.report_progress(
                renovation,
                acting_user=dinsos,
                reported_on=on.isoformat(),
                percent=percent,
                files=[_photo(f"Progres {percent}%", (90, 110, 140))],
                data={"note": "Pekerjaan sesuai jadwal." if percent < 100 else "Selesai."},
            )
        if stage != "serah_terima":
            continue
        handed = on + datetime.timedelta(days=3)
        survey = actions.survey_initial(renovation)
        survey.update(
            floor_material="keramik_marmer",
            floor_condition="baik",
            wall_material="tembok_plester",
            wall_condition="baik",
            roof_material="genteng",
            roof_condition="baik",
            toilet="sendiri",
        )
        still_small = n % 4 == 1  # one handover where the house stays too cramped
        if not still_small:
            survey["floor_area_m2"] = max(float(survey["floor_area_m2"]), 7.5 * survey["occupants"])
        actions.hand_over(
            renovation,
            acting_user=dinsos,
            data={
                "handed_over_on": handed.isoformat(),
                "handover_number": f"BAST/{100 + n}/DINSOS/{handed.year}",
                "final_cost": "14.745.000",
                "cost_reason": "Sesuai RAB; sisa pagu tidak dibelanjakan.",
            },
            survey=survey,
            after_files=[_photo("Sesudah", (60, 130, 80))],
        )
    return made
