"""Demo users of `pilar demo`: one account per role, one TKSK per kecamatan and the
city's PSM (823 in Kota Tangerang, Domain reference: about eight per kelurahan), each
TKSK/PSM linked to a PSKS worker record with a (Faker) name.

Usernames follow the area codes without dots: `tksk-367101`, `psm-3671011001` (the
first PSM of a kelurahan), `psm-3671011001-2` … (the others).
Idempotent: users that exist are kept (their password is set back to the demo
password, and a missing worker record is added); nothing else is reset.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.psks.models import PsksType, PsksWorker
from pilar.regions.deployment import districts, villages

PSKS_PSM = 2
PSKS_TKSK = 11
MOBILE_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0852", "0857", "0878", "0896"]


def tksk_username(district_code: str) -> str:
    return "tksk-" + district_code.replace(".", "")


def psm_username(village_code: str, n: int = 1) -> str:
    base = "psm-" + village_code.replace(".", "")
    return base if n == 1 else f"{base}-{n}"


# Kota Tangerang's PSM (domain.md: 823, about eight per kelurahan); elsewhere eight each.
PSM_TOTAL = {"36.71": 823}
PSM_PER_VILLAGE = 8


def psm_counts(codes: list[str], region: str) -> list[int]:
    """How many PSM each kelurahan gets: the city's total spread as evenly as possible."""
    total = PSM_TOTAL.get(region, PSM_PER_VILLAGE * len(codes))
    if not codes:
        return []
    base, extra = divmod(total, len(codes))
    return [base + (1 if i < extra else 0) for i in range(len(codes))]


def _people(seed: int = 2026):
    """An endless, reproducible stream of (first name, last name, phone)."""
    # Loaded on first use: a heavy library, kept out of start-up.
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    while True:
        if rng.random() < 0.6:
            first, last = fake.first_name_male(), fake.last_name_male()
        else:
            first, last = fake.first_name_female(), fake.last_name_female()
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7, 10**8)}"
        yield first, last, phone


@transaction.atomic
def ensure_demo_users(password: str) -> dict[str, list[str]]:
    """Create the missing demo users (and their PSKS worker records); set every demo
    user's password to `password`. Returns usernames by role."""

    hashed = make_password(password)  # one hash for all: argon2 is slow by design
    people = _people()
    active_from = datetime.date(2025, 1, 2)
    wanted: list[User] = [
        User(
            username="admin",
            role=Role.ADMIN,
            is_staff=True,
            is_superuser=True,
            first_name="Andi",
            last_name="Saputra",
        ),
        # People's names, as real accounts have: pages show who acted by name.
        User(username="dinsos", role=Role.DINSOS, first_name="Rina", last_name="Kurniasih"),
        User(username="pimpinan", role=Role.PIMPINAN, first_name="Bambang", last_name="Hermawan"),
        User(
            username="mitra",
            role=Role.MITRA,
            first_name="Mitra",
            last_name="API",
            organization="Dinas Komunikasi dan Informatika",
        ),
    ]
    workers: dict[str, PsksWorker] = {}
    tksk_type = PsksType.objects.get(number=PSKS_TKSK)
    psm_type = PsksType.objects.get(number=PSKS_PSM)
    for district in districts():
        first, last, phone = next(people)
        username = tksk_username(district.code)
        wanted.append(
            User(
                username=username,
                role=Role.TKSK,
                district_id=district.code,
                first_name=first,
                last_name=last,
            )
        )
        workers[username] = PsksWorker(
            psks_type=tksk_type,
            name=f"{first} {last}",
            phone=phone,
            district_id=district.code,
            active_from=active_from,
        )
    all_villages = list(villages())
    counts = psm_counts([v.code for v in all_villages], settings.PILAR_REGION)
    for village, count in zip(all_villages, counts, strict=True):
        for n in range(1, count + 1):
            first, last, phone = next(people)
            username = psm_username(village.code, n)
            wanted.append(
                User(
                    username=username,
                    role=Role.PSM,
                    district_id=village.district_id,
                    village_id=village.code,
                    first_name=first,
                    last_name=last,
                )
            )
            workers[username] = PsksWorker(
                psks_type=psm_type,
                name=f"{first} {last}",
                phone=phone,
                district_id=village.district_id,
                village_id=village.code,
                active_from=active_from,
            )

    existing = {
        u.username: u for u in User.objects.filter(username__in=[u.username for u in wanted])
    }
    new_users = [u for u in wanted if u.username not in existing]
    for user in new_users:
        user.password = hashed
    User.objects.bulk_create(new_users)
    for user in existing.values():
        user.password = hashed
        user.is_active = True
    User.objects.bulk_update(existing.values(), ["password", "is_active"])

    # Link a worker record to every TKSK/PSM account that has none.
    users = {u.username: u for u in User.objects.filter(username__in=list(workers))}
    missing = [name for name, user in users.items() if user.psks_worker_id is None]
    created = PsksWorker.objects.bulk_create([workers[name] for name in missing])
    for name, worker in zip(missing, created, strict=True):
        users[name].psks_worker = worker
    User.objects.bulk_update([users[name] for name in missing], ["psks_worker"])

    by_role: dict[str, list[str]] = {}
    for user in wanted:
        by_role.setdefault(user.role, []).append(user.username)
    return by_role
