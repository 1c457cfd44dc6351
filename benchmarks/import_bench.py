"""Import speed and memory: Pilar's importer against raw COPY and django-import-export.

    .venv/bin/python benchmarks/import_bench.py --persons 1000000 \
        --home /tmp/pilar-import-bench --fresh

In one run, on one fresh embedded PostgreSQL:
1. generates a synthetic CSV of ``--persons`` rows in the import template (households of
   1-7 persons, every column filled as an office would), and the same rows as XLSX;
2. imports the CSV end to end (check into staging, preview, apply with row history on)
   exactly as `pilar import` does, and reports rows/s for each step and in total;
3. empties the registry and imports the XLSX the same way;
4. loads the same CSV with raw PostgreSQL COPY into a bare table (no checks, no
   history): the floor any importer could reach;
5. imports a ``--slice`` row slice with django-import-export (ModelResource on Person,
   row by row as it is normally used) and with Pilar's importer, for comparison.

Peak memory is the importer process's peak RSS (ru_maxrss), measured separately for
each step by running it in a child process; PostgreSQL's own memory is not included.
Targets (issue 14): CSV >= 30,000 rows/s, XLSX >= 15,000 rows/s, peak memory <= 2 GB.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_results, database_facts, setup_django, table  # noqa: E402

from pilar.imports.columns import CANONICAL_COLUMNS  # noqa: E402

HEADER = list(CANONICAL_COLUMNS)
EDUCATION = ["Tidak/Belum Sekolah", "Tamat SD/Sederajat", "SLTP/Sederajat", "SLTA/Sederajat"]
JOBS = ["Buruh Harian Lepas", "Pedagang", "Wiraswasta", "Karyawan Swasta", "Pelajar/Mahasiswa"]
STREETS = ["Melati", "Mawar", "Kenanga", "Anggrek", "Flamboyan", "Cempaka", "Dahlia", "Kamboja"]


def generate_rows(persons: int, villages: list[str], seed: int = 7):
    """Yield template rows (lists of str) for about ``persons`` persons."""
    from faker.providers.person.id_ID import Provider

    rng = random.Random(seed)
    male = list(Provider.first_names_male)
    female = list(Provider.first_names_female)
    last = list(Provider.last_names_male)
    places = ["Tangerang", "Jakarta", "Serang", "Bogor", "Bandung", "Lebak", "Pandeglang"]
    serials: dict[str, int] = {}
    kk_serial = 0
    made = 0

    def nik(village: str, sex: str, birth: datetime.date) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        prefix = f"{village[:2]}{village[3:5]}{village[6:8]}{day:02d}{birth:%m%y}"
        serials[prefix] = serials.get(prefix, 0) + 1
        return f"{prefix}{serials[prefix]:04d}"

    def birth(age_from: int, age_to: int) -> datetime.date:
        return datetime.date(2026, 1, 1) - datetime.timedelta(
            days=rng.randint(age_from * 365, age_to * 365)
        )

    while made < persons:
        kk_serial += 1
        village = rng.choice(villages)
        no_kk = f"{village[:2]}{village[3:5]}{village[6:8]}{kk_serial:010d}"
        address = f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 200)}"
        rt, rw = str(rng.randint(1, 15)), str(rng.randint(1, 12))
        desil = str(rng.randint(1, 10)) if rng.random() < 0.7 else ""
        size = min(rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7]), persons - made)
        surname = rng.choice(last)
        members = []
        head_birth = birth(25, 80)
        members.append(("L", head_birth, "Kepala Keluarga", "Kawin", rng.choice(male)))
        if size > 1:
            members.append(("P", birth(22, 70), "Istri", "Kawin", rng.choice(female)))
        for _ in range(size - len(members)):
            sex = rng.choice("LP")
            first = rng.choice(male if sex == "L" else female)
            members.append((sex, birth(0, 24), "Anak", "Belum Kawin", first))
        for sex, born, relation, marital, first in members:
            made += 1
            age = 2026 - born.year
            ppks = ""
            if relation == "Kepala Keluarga" and desil in ("1", "2"):
                ppks = "24"
            elif age >= 61 and rng.random() < 0.2:
                ppks = "Lanjut Usia Terlantar"
            yield [
                f"SRC-{made}",
                no_kk,
                nik(village, sex, born) if rng.random() > 0.02 else "",
                f"{first} {surname}",
                "Laki-laki" if sex == "L" else "Perempuan",
                rng.choice(places),
                born.strftime("%d-%m-%Y"),
                relation,
                marital,
                rng.choice(EDUCATION),
                rng.choice(JOBS),
                "Fisik" if rng.random() < 0.01 else "",
                address,
                rt,
                rw,
                village,
                "",
                ppks,
                desil,
            ]


def write_files(persons: int, folder: Path) -> tuple[Path, Path]:
    from django.conf import settings

    from pilar.regions.models import Village

    villages = list(
        Village.objects.filter(code__startswith=settings.PILAR_REGION + ".").values_list(
            "code", flat=True
        )
    )
    csv_path = folder / f"impor-{persons}.csv"
    xlsx_path = folder / f"impor-{persons}.xlsx"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(generate_rows(persons, villages))
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(xlsx_path), {"constant_memory": True, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet("Data")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for r, row in enumerate(csv.reader(handle, delimiter=";")):
            for c, value in enumerate(row):
                if value:
                    sheet.write_string(r, c, value)
    book.close()
    return csv_path, xlsx_path


def empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE ppks_ppksrecord, ppks_ppksrecordevent, registry_membership, "
            "registry_membershipevent, registry_person, registry_personevent, "
            "registry_household, registry_householdevent, imports_stagedrow, "
            "imports_importproblem CASCADE"
        )


# Each measured step runs in a child process so its peak RSS is its own.


def _cpu_seconds(home: str) -> float:
    """CPU seconds used so far by this process, its reaped children (the row-check
    workers) and every PostgreSQL process of the benchmark's own server (the postmaster
    with the children it reaped, such as parallel index-build workers, and the live
    ones: backends, autovacuum, checkpointer). Unlike wall time, barely changed by other
    sessions' load on the machine (they take turns on the CPUs, they do not add work)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    try:
        postmaster = int((Path(home) / "pgdata" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return total
    pids = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                pids.append(int(entry.name))
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime (and for the postmaster cutime, cstime: its reaped children).
        used = int(fields[11]) + int(fields[12])
        if pid == postmaster:
            used += int(fields[13]) + int(fields[14])
        total += used / tick
    return total


def _child(queue, home: str, step: str, args: dict) -> None:
    if args.get("workers"):
        os.environ["PILAR_IMPORT_WORKERS"] = str(args["workers"])
    setup_django(home)
    result = {"step": step}
    started = time.monotonic()
    if step == "pilar":
        from django.contrib.auth import get_user_model

        from pilar.imports import actions

        user = get_user_model().objects.get(username="dinsos")
        batch = actions.create_batch(
            acting_user=user,
            file_name=Path(args["path"]).name,
            source=args["path"],
            max_bytes=1 << 40,
        )
        t0, c0 = time.monotonic(), _cpu_seconds(home)
        batch = actions.check_batch(batch, max_bytes=1 << 40)
        t1, c1 = time.monotonic(), _cpu_seconds(home)
        batch = actions.apply_batch(batch, acting_user=user)
        t2, c2 = time.monotonic(), _cpu_seconds(home)
        result.update(
            check_s=t1 - t0,
            apply_s=t2 - t1,
            store_s=t0 - started,
            check_cpu_s=c1 - c0,
            apply_cpu_s=c2 - c1,
            summary=batch.summary,
        )
    elif step == "copy":
        from django.db import connection

        c0 = _cpu_seconds(home)
        with connection.cursor() as cursor:
            cols = ", ".join(f"{h} text" for h in HEADER)
            cursor.execute(
                f"DROP TABLE IF EXISTS bench_raw_copy; CREATE TABLE bench_raw_copy ({cols})"
            )
            with (
                open(args["path"], "rb") as handle,
                cursor.copy(
                    "COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
                ) as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            cursor.execute("SELECT count(*) FROM bench_raw_copy")
            result["rows"] = cursor.fetchone()[0]
            result["cpu_s"] = _cpu_seconds(home) - c0
            cursor.execute("DROP TABLE bench_raw_copy")
    elif step == "import_export":
        result.update(_import_export(args["path"]))
    result["seconds"] = time.monotonic() - started
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The row-check worker processes (pilar.imports.parallel), each one's peak; 0 if none.
    result["worker_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["workers"] = _workers_used()
    queue.put(result)


def _memory(result: dict) -> str:
    """Peak RSS of the importer process, plus that of each row-check worker if any."""
    text = f"{result['peak_rss_mb']:,.0f}"
    if result.get("worker_peak_rss_mb", 0) > 1:
        text += f" + {result['workers']} × {result['worker_peak_rss_mb']:,.0f}"
    return text


def _workers_used() -> int:
    from pilar.imports import parallel

    return parallel.worker_count()


def _import_export(path: str) -> dict:
    """django-import-export as usually used: a ModelResource, one row at a time, with the
    households the persons belong to created beforehand (not timed)."""
    import tablib
    from django.db import connection
    from import_export import fields, resources, widgets

    from pilar.registry.models import Household, Person

    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    kks = {}
    for row in rows:
        kks.setdefault(row["no_kk"], row)
    with connection.cursor():
        Household.objects.bulk_create(
            [
                Household(
                    no_kk=kk,
                    address=r["alamat"],
                    rt=r["rt"].zfill(3),
                    rw=r["rw"].zfill(3),
                    village_id=r["kode_kelurahan"],
                )
                for kk, r in kks.items()
            ],
            batch_size=5000,
        )

    class PersonResource(resources.ModelResource):
        household = fields.Field(
            attribute="household",
            column_name="no_kk",
            widget=widgets.ForeignKeyWidget(Household, field="no_kk"),
        )
        nik = fields.Field(attribute="nik", column_name="nik")
        name = fields.Field(attribute="name", column_name="nama")
        sex = fields.Field(attribute="sex", column_name="jenis_kelamin")
        birth_place = fields.Field(attribute="birth_place", column_name="tempat_lahir")
        birth_date = fields.Field(
            attribute="birth_date",
            column_name="tanggal_lahir",
            widget=widgets.DateWidget(format="%d-%m-%Y"),
        )
        relation = fields.Field(attribute="relation", column_name="hubungan_keluarga")
        source_id = fields.Field(attribute="source_id", column_name="id_sumber")

        class Meta:
            model = Person
            import_id_fields = ("source_id",)
            fields = (
                "household",
                "nik",
                "name",
                "sex",
                "birth_place",
                "birth_date",
                "relation",
                "source_id",
            )

        def before_import_row(self, row, **kwargs):
            # The minimum mapping a user would write for our vocabularies.
            row["jenis_kelamin"] = "L" if row["jenis_kelamin"].startswith("L") else "P"
            row["hubungan_keluarga"] = {"Kepala Keluarga": "kepala", "Istri": "istri"}.get(
                row["hubungan_keluarga"], "anak"
            )
            if not row["nik"]:
                row["nik"] = None

        def before_save_instance(self, instance, row, **kwargs):
            if not instance.nik:
                instance.nik_missing_reason = "tidak_diketahui"

    dataset = tablib.Dataset(headers=list(rows[0].keys()))
    for row in rows:
        dataset.append(list(row.values()))
    t0 = time.monotonic()
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=False)
    seconds = time.monotonic() - t0
    return {
        "ie_seconds": seconds,
        "ie_rows": len(rows),
        "ie_new": result.totals.get("new", 0),
        "ie_errors": len(result.row_errors()) + len(result.invalid_rows),
    }


def run_step(home: str, step: str, **args) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, home, step, args))
    proc.start()
    while True:
        try:
            result = queue.get(timeout=5)
            break
        except Empty:
            if not proc.is_alive():  # the child failed (its traceback is on stderr)
                sys.exit(f"step {step} failed (exit code {proc.exitcode})")
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--slice", type=int, default=20_000)
    parser.add_argument("--home", default="")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database and generated files in --home (the registry is emptied)",
    )
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated subset of the runs: csv, xlsx, copy, slice, ie (default: all); "
        "a partial run is never recorded",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="PILAR_IMPORT_WORKERS for the importer runs (default: the setting's default)",
    )
    args = parser.parse_args()

    home = Path(args.home or tempfile.mkdtemp(prefix="pilar-import-bench-"))
    if home.exists() and any(home.iterdir()) and not args.reuse:
        if not args.fresh:
            sys.exit(f"{home} is not empty: pass --fresh")
        from pilar import embedded_db

        if (home / "pgdata").exists():
            embedded_db.stop(home / "pgdata")
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)
    setup_django(str(home))
    from django.conf import settings
    from django.core.management import call_command

    from pilar.demo.users import ensure_demo_users

    call_command("migrate", interactive=False, verbosity=0)
    ensure_demo_users(settings.PILAR_DEMO_PASSWORD)
    files = home / "files"
    files.mkdir(exist_ok=True)
    t0 = time.monotonic()
    csv_path, xlsx_path = files / f"impor-{args.persons}.csv", files / f"impor-{args.persons}.xlsx"
    if not (args.reuse and csv_path.exists() and xlsx_path.exists()):
        csv_path, xlsx_path = write_files(args.persons, files)
    empty_registry()
    print(
        f"files ready in {time.monotonic() - t0:.0f} s: {csv_path.stat().st_size / 2**20:.0f}"
        f" MB CSV, {xlsx_path.stat().st_size / 2**20:.0f} MB XLSX",
        flush=True,
    )
    slice_path = files / f"impor-{args.slice}.csv"
    with open(csv_path, encoding="utf-8") as src, open(slice_path, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i > args.slice:
                break
            dst.write(line)

    from django.db import connection

    connection.close()  # children use their own connections
    rows = []

    def pilar_row(label: str, result: dict, n: int) -> None:
        total = result["check_s"] + result["apply_s"]
        rows.append(
            (
                label,
                f"{n:,}",
                f"{result['check_s']:.1f}",
                f"{result['apply_s']:.1f}",
                f"{total:.1f}",
                f"{n / total:,.0f}",
                f"{result['check_cpu_s']:.1f} + {result['apply_cpu_s']:.1f}",
                _memory(result),
            )
        )
        print(rows[-1], json.dumps(result["summary"]), flush=True)

    runs = {"csv", "xlsx", "copy", "slice", "ie"}
    wanted = {name.strip() for name in args.only.split(",") if name.strip()} or set(runs)
    if args.no_xlsx:
        wanted.discard("xlsx")
    if wanted - runs:
        sys.exit(f"unknown runs: {', '.join(sorted(wanted - runs))}")
    workers = args.workers
    facts = ""
    if "csv" in wanted:
        csv_result = run_step(str(home), "pilar", path=str(csv_path), workers=workers)
        pilar_row("Pilar importer, CSV", csv_result, args.persons)
        facts = database_facts()
        connection.close()
    if "xlsx" in wanted:
        empty_registry()
        connection.close()
        xlsx_result = run_step(str(home), "pilar", path=str(xlsx_path), workers=workers)
        pilar_row("Pilar importer, XLSX", xlsx_result, args.persons)
    if "copy" in wanted:
        copy = run_step(str(home), "copy", path=str(csv_path))
        rows.append(
            (
                "raw PostgreSQL COPY (no checks, no history)",
                f"{copy['rows']:,}",
                "–",
                "–",
                f"{copy['seconds']:.1f}",
                f"{copy['rows'] / copy['seconds']:,.0f}",
                f"{copy['cpu_s']:.1f}",
                f"{copy['peak_rss_mb']:,.0f}",
            )
        )
        print(rows[-1], flush=True)
    if "slice" in wanted:
        empty_registry()
        connection.close()
        small = run_step(str(home), "pilar", path=str(slice_path), workers=workers)
        pilar_row(f"Pilar importer, CSV {args.slice:,}-row slice", small, args.slice)
    if "ie" in wanted:
        empty_registry()
        connection.close()
        try:
            import import_export  # noqa: F401
        except ImportError:
            print("django-import-export is not installed: its run is skipped", flush=True)
        else:
            ie = run_step(str(home), "import_export", path=str(slice_path))
            rows.append(
                (
                    f"django-import-export, same slice (persons only, {ie['ie_errors']} errors)",
                    f"{ie['ie_rows']:,}",
                    "–",
                    "–",
                    f"{ie['ie_seconds']:.1f}",
                    f"{ie['ie_rows'] / ie['ie_seconds']:,.0f}",
                    "–",
                    f"{ie['peak_rss_mb']:,.0f}",
                )
            )
            print(rows[-1], flush=True)
    result = table(
        rows,
        (
            "run",
            "rows",
            "check s",
            "apply s",
            "total s",
            "rows/s",
            "CPU s (check + apply)",
            "peak RSS MB (+ workers)",
        ),
    )
    print(result)
    if not args.no_record and not args.only:
        append_results(
            "Import (benchmarks/import_bench.py)",
            f"{facts} after the CSV import. Synthetic template file of {args.persons:,} persons "
            f"({csv_path.stat().st_size / 2**20:.0f} MB CSV, "
            f"{xlsx_path.stat().st_size / 2**20:.0f} MB XLSX), imported into an empty "
            "registry with row history on; 'check' = read, check every row, COPY to staging, "
            "whole-file and registry checks, preview; 'apply' = households, persons, "
            "memberships, PPKS records in one transaction. Peak RSS of the importer process "
            "(+ each row-check worker's peak; PostgreSQL's own memory not included). CPU s: "
            "CPU time of the importer, its workers and the benchmark's PostgreSQL server "
            f"(see _cpu_seconds). Load average at the end: {os.getloadavg()[0]:.1f}."
            f"\n\n{result}\n\nTargets: CSV >= 30,000 rows/s, XLSX >= 15,000 rows/s, "
            "peak memory <= 2 GB.",
        )


if __name__ == "__main__":
    main()
