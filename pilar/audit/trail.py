"""The trail is append-only in the database: history (every pghistory event table),
the access log, pghistory's context rows and the daily seals refuse UPDATE and
DELETE with a trigger, whoever connects (the web app, a shell, psql as the app's
user).

The one way through is the retention path (UU PDP: data kept no longer than its
purpose needs): inside ``retention_removal()`` the transaction carries
``SET LOCAL pilar.trail_removal = 'retention'`` and the triggers let rows be removed
or minimised. Nothing else in Pilar may set that flag; ``retention_removal`` reseals
the days it touched (``pilar.audit.chain``) and records why, so ``pilar audit verify``
still proves the chain and shows the amendment.

A database owner can always drop a trigger; the hash chain of the daily seals is
what makes such a change visible (``pilar audit verify``), and the chain head printed
by ``pilar audit seal`` / stored in every backup manifest anchors it outside the
database.

The triggers are installed after every ``migrate`` (post_migrate, ``install_guards``)
on every table ``trail_tables()`` names, so an event table a later migration adds is
guarded without a migration of its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from pghistory.models import Context, Event

# The transaction-local setting the triggers read; its only accepted value.
REMOVAL_SETTING = "pilar.trail_removal"
RETENTION = "retention"

GUARD_FUNCTION = "pilar_trail_guard"
CONTEXT_GUARD_FUNCTION = "pilar_trail_context_guard"
GUARD_TRIGGER = "pilar_trail_guard"


@dataclass(frozen=True)
class TrailTable:
    """One append-only table: its model, the column that dates a row (which day's seal
    covers it) and the column that orders rows within a day."""

    model: type[models.Model]
    time_column: str
    order_column: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def columns(self) -> list[str]:
        return [f.column for f in self.model._meta.concrete_fields if f.column]


def _is_event_table(model: type[models.Model]) -> bool:
    meta = model._meta
    return issubclass(model, Event) and meta.managed and not meta.proxy and not meta.abstract


def trail_tables() -> list[TrailTable]:
    """Every table of the trail, in a fixed order (by table name)."""
    from pilar.audit.models import AccessLog  # the app registry is ready by now

    found = [
        TrailTable(model, "pgh_created_at", "pgh_id")
        for model in apps.get_models()
        if _is_event_table(model)
    ]
    found.append(TrailTable(AccessLog, "created_at", "id"))
    found.append(TrailTable(Context, "created_at", "id"))
    return sorted(found, key=lambda t: t.table)


def _guard_sql() -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {GUARD_FUNCTION}() RETURNS trigger AS $$
    BEGIN
        IF current_setting('{REMOVAL_SETTING}', true) = '{RETENTION}' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Jejak audit tidak dapat diubah atau dihapus (% pada %).',
            TG_OP, TG_TABLE_NAME
            USING HINT = 'Hanya jalur retensi (pilar.audit.trail.retention_removal) '
                         'yang boleh menghapus atau meminimalkan jejak.';
    END;
    $$ LANGUAGE plpgsql;
    """


def _context_guard_sql() -> str:
    # pghistory updates a context row while its request runs (the metadata grows, e.g.
    # a nested pghistory.context); once the row's day is sealed it is as fixed as the
    # events that point at it.
    from pilar.audit.models import TrailSeal

    return f"""
    CREATE OR REPLACE FUNCTION {CONTEXT_GUARD_FUNCTION}() RETURNS trigger AS $$
    BEGIN
        IF current_setting('{REMOVAL_SETTING}', true) = '{RETENTION}' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND NOT EXISTS (
            SELECT 1 FROM {TrailSeal._meta.db_table}
            WHERE day = (OLD.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date
        ) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Jejak audit tidak dapat diubah atau dihapus (% pada %).',
            TG_OP, TG_TABLE_NAME
            USING HINT = 'Hanya jalur retensi (pilar.audit.trail.retention_removal) '
                         'yang boleh menghapus atau meminimalkan jejak.';
    END;
    $$ LANGUAGE plpgsql;
    """


def guarded_tables() -> list[str]:
    """Tables of the trail plus the seals themselves."""
    from pilar.audit.models import TrailSeal

    return [t.table for t in trail_tables()] + [TrailSeal._meta.db_table]


def install_guards(using: str = "default") -> int:
    """(Re)install the guard triggers on every trail table; returns how many tables."""
    from django.db import connections

    tables = guarded_tables()
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    with connections[using].cursor() as cursor:
        cursor.execute(_guard_sql())
        # Users are never deleted (the trail names them), only deactivated; their rows
        # change, so only DELETE is refused.
        table = user_model._meta.db_table
        cursor.execute(f'DROP TRIGGER IF EXISTS {GUARD_TRIGGER} ON "{table}"')
        cursor.execute(
            f'CREATE TRIGGER {GUARD_TRIGGER} BEFORE DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}()"
        )
        cursor.execute(_context_guard_sql())
        for table in tables:
            function = CONTEXT_GUARD_FUNCTION if table == Context._meta.db_table else GUARD_FUNCTION
            cursor.execute(f'DROP TRIGGER IF EXISTS {GUARD_TRIGGER} ON "{table}"')
            cursor.execute(
                f'CREATE TRIGGER {GUARD_TRIGGER} BEFORE UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    return len(tables)


def unguarded_tables() -> list[str]:
    """Trail tables that lack their guard trigger (or have it disabled)."""
    tables = guarded_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND t.tgenabled <> 'D' AND c.relname = ANY(%s)",
            [GUARD_TRIGGER, tables],
        )
        present = {row[0] for row in cursor.fetchall()}
    return [t for t in tables if t not in present]


def _install_after_migrate(sender, using="default", **kwargs) -> None:
    install_guards(using)


def connect_signals() -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(
        _install_after_migrate,
        sender=apps.get_app_config("audit"),
        dispatch_uid="pilar.audit.trail_guards",
    )


def removal_allowed() -> bool:
    """Whether the current transaction is inside ``retention_removal``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [REMOVAL_SETTING])
        return cursor.fetchone()[0] == RETENTION


@contextlib.contextmanager
def retention_removal(reason: str = "retensi data") -> Iterator[None]:
    """The only path that may delete or minimise trail rows (the retention command).

    Opens a transaction (or a savepoint inside the caller's) in which the guard
    triggers let UPDATE and DELETE through; on a normal exit the sealed days whose
    rows changed are resealed with ``reason`` on record, and the flag is cleared so
    the rest of an outer transaction is guarded again."""
    from pilar.audit.chain import check_before_removal, reseal_changed_days

    check_before_removal()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [REMOVAL_SETTING, RETENTION])
        # An exception rolls the transaction (or savepoint) back, and the flag with it.
        yield
        reseal_changed_days(reason)
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [REMOVAL_SETTING])
