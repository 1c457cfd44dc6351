"""Seed the city's programs (Bedah Rumah, Tangerang Cerdas, Tangerang Terang) and
the national ones whose participation is recorded (PKH, BPNT/Sembako, PBI-JK, PIP).
Idempotent: an existing program (by code) is left as the operator edited it."""

from django.db import migrations


def seed(apps, schema_editor):
    from pilar.programs.seed import PROGRAMS

    Program = apps.get_model("programs", "Program")
    for data in PROGRAMS:
        values = dict(data)
        code = values.pop("code")
        values.setdefault("rule", {"op": "and", "rules": []})
        Program.objects.get_or_create(code=code, defaults=values)


def unseed(apps, schema_editor):
    from pilar.programs.seed import PROGRAMS

    Program = apps.get_model("programs", "Program")
    Program.objects.filter(code__in=[p["code"] for p in PROGRAMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
