"""`pilar backup` and `pilar restore`: one file holding the database, the media
files and a manifest with checksums, optionally encrypted (core/sealed_stream.py).

The archive is a tar: ``manifest.json``, ``database.dump`` (pg_dump custom format,
already compressed) and ``media/...``. The manifest records the SHA-256 of every
member, each table's row count (counted in the very snapshot pg_dump read, via
``pg_export_snapshot``), the applied migrations and the audit trail's chain head,
so a restore proves the archive whole before touching the database and proves the
database afterwards.

The PostgreSQL programs: of the candidates (PILAR_PG_BIN, the embedded wheel's
PostgreSQL 18, Debian's /usr/lib/postgresql/*/bin, PATH) the one whose major
version is the server's, else the newest one newer than the server.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

from pilar import embedded_db
from pilar.core import sealed_stream
from pilar.core.numbers import format_number

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
PREFIX = "pilar-backup-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class Target:
    """Connection parameters of a database (the configured one or --database-url)."""

    name: str
    user: str
    password: str
    host: str
    port: str

    @classmethod
    def configured(cls) -> Target:
        db = connections["default"].settings_dict  # the test database under pytest
        return cls(
            name=db["NAME"],
            user=db.get("USER") or "",
            password=db.get("PASSWORD") or "",
            host=db.get("HOST") or "",
            port=str(db.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Target:
        if "host=" in url and url.startswith("postgresql://"):
            # The embedded server's socket URL (postgresql://postgres:@/name?host=/dir).
            from urllib.parse import parse_qs, urlparse

            parsed = urlparse(url)
            return cls(
                name=parsed.path.lstrip("/"),
                user=parsed.username or "postgres",
                password=parsed.password or "",
                host=parse_qs(parsed.query)["host"][0],
                port=str(parsed.port or ""),
            )
        db = dj_database_url.parse(url)
        return cls(
            name=str(db.get("NAME") or ""),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
        )

    def env(self) -> dict[str, str]:
        """libpq's environment for the command-line programs (no password on argv)."""
        env = dict(os.environ)
        for key, value in {
            "PGDATABASE": self.name,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGHOST": self.host,
            "PGPORT": self.port,
        }.items():
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        return env

    def connect(self) -> psycopg.Connection:
        params = {
            "dbname": self.name,
            "user": self.user,
            "password": self.password,
            "host": self.host,
            "port": self.port,
        }
        conninfo = psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})
        return psycopg.connect(conninfo, autocommit=True)


def _tool_major(path: Path) -> int | None:
    """The major version a PostgreSQL program reports (``pg_dump (PostgreSQL) 15.8``)."""
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    words = out.split()
    try:
        return int(words[-1].split(".")[0]) if words else None
    except ValueError:
        return None


def _tool_candidates(name: str) -> list[Path]:
    candidates = []
    configured = os.environ.get("PILAR_PG_BIN")
    if configured:
        candidates.append(Path(configured) / name)
    candidates.append(embedded_db.bin_dir() / name)
    # Debian/Ubuntu keep each installed major's programs side by side.
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        candidates.extend(sorted(debian.glob(f"*/bin/{name}"), reverse=True))
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    return [c for c in candidates if c.exists()]


def pg_tool(name: str, server_major: int | None = None) -> str:
    """The program ``name`` for a server of ``server_major``.

    The same major as the server is preferred: a newer pg_dump writes archive
    versions an older pg_restore cannot read, and a newer pg_restore sends
    settings an older server refuses (pg_restore 18 sets ``transaction_timeout``,
    unknown to PostgreSQL 15). Failing an exact match, the newest program not
    older than the server (pg_dump cannot dump a newer server)."""
    candidates = _tool_candidates(name)
    if not candidates:
        raise BackupError(f"Program {name} tidak ditemukan (atur PILAR_PG_BIN).")
    if server_major is None:
        return str(candidates[0])
    majors = [(c, _tool_major(c)) for c in candidates]
    for candidate, major in majors:
        if major == server_major:
            return str(candidate)
    newer = [(major, c) for c, major in majors if major is not None and major > server_major]
    if newer:
        return str(max(newer, key=lambda pair: pair[0])[1])
    raise BackupError(
        f"Program {name} untuk PostgreSQL {server_major} tidak ditemukan "
        "(atur PILAR_PG_BIN ke folder bin versi yang sama dengan server)."
    )


def server_major(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
    return int(row[0]) // 10000 if row else 0


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _trail_head(cursor) -> dict | None:
    # By model name, not import: core sits below the audit app.
    seal = apps.get_model("audit", "TrailSeal")
    cursor.execute(f"SELECT day, digest FROM {seal._meta.db_table} ORDER BY day DESC LIMIT 1")
    row = cursor.fetchone()
    return {"day": row[0].isoformat(), "digest": row[1]} if row else None


def _migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def backup(
    to: Path,
    *,
    key_file: Path | None = None,
    keep: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write one backup file into ``to``; returns its path."""
    say = progress or (lambda message: None)
    to.mkdir(parents=True, exist_ok=True)
    key = sealed_stream.read_key(key_file) if key_file else None
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    final = to / f"{PREFIX}{stamp}.tar{'.enc' if key else ''}"
    work = Path(tempfile.mkdtemp(prefix=".pilar-backup-", dir=to))
    try:
        dump = work / DUMP
        target = Target.configured()
        connection = connections["default"]
        connection.close()
        with target.connect() as conn:
            # One snapshot for pg_dump and for the row counts the manifest records.
            conn.autocommit = False
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                snapshot, server_version = cursor.fetchone() or ("", "")
                say("Membuat dump basis data (pg_dump)...")
                result = subprocess.run(
                    [
                        pg_tool("pg_dump", server_major(conn)),
                        "-Fc",
                        "--snapshot",
                        snapshot,
                        "-f",
                        str(dump),
                    ],
                    env=target.env(),
                    capture_output=True,
                    text=True,
                )
                if result.returncode != 0:
                    raise BackupError(f"pg_dump gagal: {result.stderr.strip()}")
                say("Menghitung baris setiap tabel...")
                counts = row_counts(cursor)
                head = _trail_head(cursor)
                migrations = _migrations(cursor)
            conn.rollback()
        media_root = Path(settings.MEDIA_ROOT)
        media = _media_files(media_root)
        say(f"Menghitung checksum {len(media)} berkas media...")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "pilar_region": settings.PILAR_REGION,
            "database": {
                "name": target.name,
                "server_version": server_version,
                "file": DUMP,
                "sha256": sha256_file(dump),
                "bytes": dump.stat().st_size,
                "tables": counts,
            },
            "media": {
                p.relative_to(media_root).as_posix(): {
                    "sha256": sha256_file(p),
                    "bytes": p.stat().st_size,
                }
                for p in media
            },
            "migrations": migrations,
            "trail_head": head,
            "encrypted": key is not None,
        }
        manifest_path = work / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        plain = work / "archive.tar"
        say("Menyusun arsip...")
        with tarfile.open(plain, "w") as tar:
            tar.add(manifest_path, arcname=MANIFEST)
            tar.add(dump, arcname=DUMP)
            for p in media:
                tar.add(p, arcname=f"{MEDIA}/{p.relative_to(media_root).as_posix()}")
        staged = work / final.name
        if key is not None:
            say("Mengenkripsi arsip...")
            with plain.open("rb") as source, staged.open("wb") as sink:
                sealed_stream.encrypt(source, sink, key)
        else:
            plain.rename(staged)
        staged.chmod(0o600)
        staged.rename(final)  # whole or absent: never a half-written backup
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if keep:
        prune(to, keep)
    return final


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backups in ``directory``."""
    found = sorted(directory.glob(f"{PREFIX}*.tar*"), key=lambda p: p.name, reverse=True)
    removed = found[keep:]
    for path in removed:
        path.unlink()
    return removed


def _safe_extract(archive: Path, into: Path) -> None:
    with tarfile.open(archive, "r") as tar:
        for member in tar.getmembers():
            name = Path(member.name)
            if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
                raise BackupError(f"Arsip berisi jalur yang tidak diizinkan: {member.name}")
        tar.extractall(into, filter="data")


def open_archive(path: Path, into: Path, key_file: Path | None) -> dict:
    """Decrypt (if needed) and unpack ``path`` into ``into``, check every checksum
    against the manifest; returns the manifest."""
    if not path.is_file():
        raise BackupError(f"Berkas cadangan {path} tidak ditemukan.")
    archive = path
    if sealed_stream.is_encrypted(path):
        if key_file is None:
            raise BackupError("Cadangan ini terenkripsi: berikan --key-file.")
        key = sealed_stream.read_key(key_file)
        archive = into / "archive.tar"
        try:
            with path.open("rb") as source, archive.open("wb") as sink:
                sealed_stream.decrypt(source, sink, key)
        except sealed_stream.DecryptionFailed as exc:
            raise BackupError(str(exc)) from None
    try:
        _safe_extract(archive, into)
    except tarfile.TarError as exc:
        raise BackupError(f"Berkas cadangan rusak: {exc}") from None
    if archive != path:
        archive.unlink()
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError("Berkas cadangan tidak memiliki manifest yang sah.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format cadangan {manifest.get('format')} tidak dikenal.")
    problems = []
    dump = into / DUMP
    if not dump.is_file() or sha256_file(dump) != manifest["database"]["sha256"]:
        problems.append(DUMP)
    for name, info in manifest["media"].items():
        file = into / MEDIA / name
        if not file.is_file() or sha256_file(file) != info["sha256"]:
            problems.append(f"{MEDIA}/{name}")
    if problems:
        shown = ", ".join(problems[:5]) + (" ..." if len(problems) > 5 else "")
        raise BackupError(f"Checksum tidak cocok dengan manifest: {shown}")
    return manifest


def _is_empty(target: Target) -> bool:
    with target.connect() as conn, conn.cursor() as cursor:
        return not _tables(cursor)


def restore(
    path: Path,
    *,
    key_file: Path | None = None,
    database_url: str | None = None,
    media_root: Path | None = None,
    force: bool = False,
    jobs: int = 2,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Restore ``path`` into an empty database (``force`` empties a non-empty one
    first) and its media into an empty media folder; returns the manifest."""
    say = progress or (lambda message: None)
    target = Target.from_url(database_url) if database_url else Target.configured()
    media_root = media_root or Path(settings.MEDIA_ROOT)
    work = Path(tempfile.mkdtemp(prefix=".pilar-restore-"))
    try:
        say("Memeriksa berkas cadangan (checksum)...")
        manifest = open_archive(path, work, key_file)
        connections["default"].close()
        with target.connect() as conn:
            major = server_major(conn)
        if not _is_empty(target) and not force:
            raise BackupError(
                f"Basis data {target.name} tidak kosong. Pulihkan ke basis data kosong, "
                "atau tambahkan --force untuk MENGHAPUS seluruh isinya lebih dulu."
            )
        existing = _media_files(media_root)
        if existing and not force:
            raise BackupError(
                f"Folder media {media_root} tidak kosong ({len(existing)} berkas); "
                "tambahkan --force untuk menimpanya."
            )
        if force:
            with target.connect() as conn:
                conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
                conn.execute("CREATE SCHEMA public")
        say("Memulihkan basis data (pg_restore)...")
        result = subprocess.run(
            [
                pg_tool("pg_restore", major),
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                f"--jobs={max(1, jobs)}",
                "-d",
                target.name,
                str(work / DUMP),
            ],
            env=target.env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore gagal: {result.stderr.strip()[-2000:]}")
        say("Memulihkan berkas media...")
        if force and media_root.exists():
            shutil.rmtree(media_root)
        for name in manifest["media"]:
            source = work / MEDIA / name
            dest = media_root / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
        say("Mencocokkan jumlah baris setiap tabel...")
        with target.connect() as conn, conn.cursor() as cursor:
            counts = row_counts(cursor)
        expected = manifest["database"]["tables"]
        wrong = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
        if wrong:
            shown = ", ".join(f"{t} ({a} vs {b})" for t, (a, b) in list(wrong.items())[:5])
            raise BackupError(f"Jumlah baris tidak cocok setelah pemulihan: {shown}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def describe(manifest: dict) -> str:
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    tables = manifest["database"]["tables"]
    head = manifest.get("trail_head")
    lines = [
        f"Cadangan dibuat {timezone.localtime(created):%d-%m-%Y %H:%M}, "
        f"{len(tables)} tabel, {format_number(sum(tables.values()))} baris, "
        + f"{len(manifest['media'])} berkas media.",
    ]
    if head:
        lines.append(f"Kepala rantai jejak audit: {head['day']} {head['digest']}")
    return "\n".join(lines)
