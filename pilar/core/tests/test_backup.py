"""`pilar backup` → `pilar restore` gives back every table's rows and every media
file; a non-empty database is refused; a damaged or wrongly keyed file is refused
before anything is written."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pilar.audit import chain
from pilar.core.backup import Target
from pilar.demo.assessments import seed as seed_assessments
from pilar.demo.reports import seed_demo_reports
from pilar.demo.seeding import seed_households
from pilar.demo.users import ensure_demo_users

RESTORED = "pilar_restore_check"


def table_fingerprints(target: Target) -> dict[str, tuple[int, str]]:
    """Every table: its row count and a hash of all its rows (order-independent)."""
    with target.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), ',' "
                f"ORDER BY md5(t::text)), '')) FROM \"{table}\" t"
            )
            result[table] = cursor.fetchone()
        return result


def media_fingerprints(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def restore_db():
    source = Target.configured()
    with source.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{RESTORED}"')
    target = Target(RESTORED, source.user, source.password, source.host, source.port)
    yield target
    with source.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')


def url_of(target: Target) -> str:
    return f"postgresql://{target.user}:{target.password}@/{target.name}?host={target.host}"


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    (root / "laporan" / "2026").mkdir(parents=True)
    (root / "laporan" / "2026" / "foto-1.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    (root / "bedah-rumah").mkdir()
    (root / "bedah-rumah" / "sebelum.jpg").write_bytes(b"\xff\xd8\xff" + b"rumah" * 500)
    settings.MEDIA_ROOT = root
    return root


def test_round_trip_on_demo_data(committed_db, restore_db, media, tmp_path):
    ensure_demo_users(settings.PILAR_DEMO_PASSWORD)
    seed_households(40, seed=7)
    seed_demo_reports()
    seed_assessments()
    chain.seal()  # whatever is sealable; the trail head goes into the manifest

    backup_dir = tmp_path / "cadangan"
    call_command("backup", to=backup_dir, verbosity=0)
    (archive,) = backup_dir.glob("pilar-backup-*.tar")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["database"]["tables"]["registry_person"] > 40
    assert set(manifest["media"]) == {"laporan/2026/foto-1.jpg", "bedah-rumah/sebelum.jpg"}

    restored_media = tmp_path / "media-pulih"
    call_command(
        "restore",
        str(archive),
        database_url=url_of(restore_db),
        media_root=restored_media,
        verbosity=0,
    )
    before = table_fingerprints(Target.configured())
    after = table_fingerprints(restore_db)
    assert len(before) > 80
    assert after == before
    assert media_fingerprints(restored_media) == media_fingerprints(media)

    # The restored database is no longer empty: a second restore is refused...
    with pytest.raises(CommandError, match="tidak kosong"):
        call_command(
            "restore", str(archive), database_url=url_of(restore_db), media_root=tmp_path / "m2"
        )
    # ...unless told to empty it first.
    call_command(
        "restore",
        str(archive),
        database_url=url_of(restore_db),
        media_root=restored_media,
        force=True,
        verbosity=0,
    )
    assert table_fingerprints(restore_db) == before


def test_encrypted_backup_needs_its_key_and_detects_tampering(
    committed_db, restore_db, media, tmp_path
):
    key = tmp_path / "kunci.key"
    call_command("backup", new_key=key)
    with pytest.raises(CommandError, match="tidak ditimpa"):
        call_command("backup", new_key=key)
    call_command("backup", to=tmp_path, key_file=key, verbosity=0)
    (archive,) = tmp_path.glob("pilar-backup-*.tar.enc")
    assert b"manifest.json" not in archive.read_bytes()

    with pytest.raises(CommandError, match="terenkripsi"):
        call_command("restore", str(archive), database_url=url_of(restore_db))
    other = tmp_path / "lain.key"
    call_command("backup", new_key=other)
    with pytest.raises(CommandError, match="Kunci salah"):
        call_command("restore", str(archive), key_file=other, database_url=url_of(restore_db))
    damaged = tmp_path / "rusak.tar.enc"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="rusak"):
        call_command("restore", str(damaged), key_file=key, database_url=url_of(restore_db))
    cut = tmp_path / "terpotong.tar.enc"
    cut.write_bytes(archive.read_bytes()[: len(data) - 100])
    with pytest.raises(CommandError):
        call_command("restore", str(cut), key_file=key, database_url=url_of(restore_db))
    # Nothing was written by the refused attempts.
    with restore_db.connect() as conn:
        assert (
            conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
            == 0
        )

    call_command(
        "restore",
        str(archive),
        key_file=key,
        database_url=url_of(restore_db),
        media_root=tmp_path / "m",
        verbosity=0,
    )
    assert table_fingerprints(restore_db) == table_fingerprints(Target.configured())


def test_checksum_mismatch_is_refused(committed_db, restore_db, media, tmp_path):
    call_command("backup", to=tmp_path / "b", verbosity=0)
    (archive,) = (tmp_path / "b").glob("pilar-backup-*.tar")
    # Swap one media file inside the archive for other bytes.
    rebuilt = tmp_path / "ubah.tar"
    with tarfile.open(archive) as source, tarfile.open(rebuilt, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "media/bedah-rumah/sebelum.jpg":
                data = b"lain" + data[4:]
            import io

            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="Checksum tidak cocok.*sebelum.jpg"):
        call_command("restore", str(rebuilt), database_url=url_of(restore_db))


def test_keep_prunes_old_backups(tmp_path):
    from pilar.core.backup import prune

    for stamp in ["20260101-010000", "20260102-010000", "20260103-010000"]:
        (tmp_path / f"pilar-backup-{stamp}.tar").write_text("x")
    removed = prune(tmp_path, 2)
    assert [p.name for p in removed] == ["pilar-backup-20260101-010000.tar"]
