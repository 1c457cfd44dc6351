"""Accounts for the load test (benchmarks/load/locustfile.py) on a seeded database:
the field force of Kota Tangerang (823 PSM spread over the 104 kelurahan, 13 TKSK,
one per kecamatan), Dinas Sosial operators and leaders, each PSM/TKSK with an API
token (PSM: a field-app device token, as the app gets after login). Writes
`<home>/load-users.json` for Locust. Idempotent: users are reused, tokens re-issued.

    .venv/bin/python benchmarks/load/prepare.py --home /tmp/pdp-load
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import setup_django  # noqa: E402

PSM_TOTAL = 823
PASSWORD = "beban-uji-2026"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--office", type=int, default=6, help="operator Dinas Sosial")
    parser.add_argument("--leaders", type=int, default=4, help="pimpinan")
    args = parser.parse_args()
    setup_django(args.home)

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from pilar.accounts.choices import Role, TokenApp
    from pilar.accounts.models import ApiToken, User
    from pilar.regions.deployment import districts, villages

    hashed = make_password(PASSWORD)  # one argon2 hash for all: 836 hashes take a minute
    all_villages = list(villages().order_by("code"))
    per_village = [PSM_TOTAL // len(all_villages)] * len(all_villages)
    for i in range(PSM_TOTAL - sum(per_village)):
        per_village[i] += 1

    def user(username: str, role: str, **area) -> User:
        obj, _ = User.objects.update_or_create(
            username=username,
            defaults={"role": role, "password": hashed, "is_active": True, **area},
        )
        return obj

    out: dict[str, list] = {"psm": [], "tksk": [], "office": [], "password": PASSWORD}
    with transaction.atomic():
        ApiToken.objects.filter(name="uji-beban").delete()
        for village, n in zip(all_villages, per_village, strict=True):
            for k in range(n):
                code = village.code.replace(".", "")
                u = user(
                    f"beban-psm-{code}-{k + 1}",
                    Role.PSM,
                    village_id=village.code,
                    district_id=village.district_id,
                )
                _, key = ApiToken.issue(u, "uji-beban", days=30, app=TokenApp.FIELD)
                out["psm"].append({"username": u.username, "token": key, "village": village.code})
        for district in districts().order_by("code"):
            u = user(f"beban-tksk-{district.code.replace('.', '')}", Role.TKSK, district=district)
            _, key = ApiToken.issue(u, "uji-beban", days=30)
            out["tksk"].append({"username": u.username, "token": key, "district": district.code})
        for i in range(args.office):
            out["office"].append({"username": user(f"beban-dinsos-{i + 1}", Role.DINSOS).username})
        for i in range(args.leaders):
            out["office"].append(
                {"username": user(f"beban-pimpinan-{i + 1}", Role.PIMPINAN).username}
            )
    path = Path(args.home) / "load-users.json"
    path.write_text(json.dumps(out))
    print(f"{len(out['psm'])} PSM, {len(out['tksk'])} TKSK, {len(out['office'])} kantor -> {path}")


if __name__ == "__main__":
    main()
