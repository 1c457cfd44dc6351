"""The `pilar` console script: every Django management command, plus Pilar's own
(demo, seed, serve, token, ...). `pilar help` lists Pilar's own first, in Indonesian."""

from __future__ import annotations

import os
import sys

# Pilar's commands in the order a new user needs them, one line each (`pilar help`).
# Commands of Pilar's apps not named here follow, with their own help text.
OWN_COMMANDS = [
    ("demo", "siapkan basis data demo (migrasi, pengguna, data sintetis) lalu jalankan server"),
    ("serve", "jalankan server web produksi beserta pekerja tugas latar"),
    ("seed", "tambahkan keluarga sintetis ke registri (--households N)"),
    ("import", "impor berkas CSV/XLSX ke registri (--user NAMA [--dry-run] [--json])"),
    ("dedup", "cari data ganda (run) atau ekspor pasangan kandidat (export-pairs)"),
    ("cases", "kirim notifikasi kunjungan tindak lanjut penanganan yang terlambat"),
    ("token", "kelola token API (create | list | revoke)"),
    ("db", "status atau hentikan PostgreSQL tertanam (status | stop)"),
    ("db_worker", "jalankan pekerja tugas latar saja (impor, pencarian data ganda)"),
]


def pilar_help() -> str:
    """Pilar's own commands, then where Django's are."""
    # Reading the commands' help loads the apps, not the database (attach-only below).
    from django.core.management import get_commands, load_command_class

    own = dict(OWN_COMMANDS)
    for name, app in sorted(get_commands().items()):
        if app.startswith("pilar.") and name not in own:
            text = str(load_command_class(app, name).help).strip().splitlines()
            own[name] = text[0].rstrip(".") if text else ""
    width = max(len(name) for name in own)
    lines = [
        "Pemakaian: pilar <perintah> [opsi]   (bantuan satu perintah: pilar <perintah> -h)",
        "",
    ]
    lines.append("Perintah Pilar:")
    lines += [f"  {name:<{width}}  {text}" for name, text in own.items()]
    lines += [
        "",
        "Perintah Django juga tersedia (migrate, createsuperuser, shell, dbshell, ...);",
        "daftar lengkapnya (bahasa Inggris): pilar help --django",
    ]
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilar.settings")
    args = sys.argv[1:]
    if args[:1] in (["db"], ["help"], ["--help"], ["-h"], []):
        # `pilar db status|stop` inspects the embedded server without starting it; the
        # help needs no database at all.
        os.environ["PILAR_EMBEDDED_ATTACH_ONLY"] = "1"
    # After the environment above: Django reads it when this import loads the settings.
    import django
    from django.core.management import execute_from_command_line

    if args in ([], ["help"], ["--help"], ["-h"]):
        django.setup()
        print(pilar_help())
        return
    if args == ["help", "--django"]:
        args = ["help"]
    execute_from_command_line(["pilar", *args])


if __name__ == "__main__":
    main()
