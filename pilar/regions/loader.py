"""Load the shipped idn-area-data CSV files into the regions tables with COPY."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# (table, csv file, columns in the CSV order)
TABLES = [
    ("regions_province", "provinces.csv", ["code", "name"]),
    ("regions_regency", "regencies.csv", ["code", "province_id", "name"]),
    ("regions_district", "districts.csv", ["code", "regency_id", "name"]),
    ("regions_village", "villages.csv", ["code", "district_id", "name"]),
]


def load_regions(connection) -> dict[str, int]:
    """Insert every region not yet present; return the row count per table."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table, filename, columns in TABLES:
            cols = ", ".join(columns)
            cursor.execute(f"CREATE TEMP TABLE _load (LIKE {table}) ON COMMIT DROP")
            with (DATA_DIR / filename).open("rb") as fh:
                with cursor.copy(
                    f"COPY _load ({cols}) FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy:
                    while chunk := fh.read(1 << 16):
                        copy.write(chunk)
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _load "
                "ON CONFLICT (code) DO NOTHING"
            )
            cursor.execute("DROP TABLE _load")
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts
