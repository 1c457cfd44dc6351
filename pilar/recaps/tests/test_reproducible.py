"""A past month's recap prints the same after new writes: it reads the month's
frozen snapshot, never the kept figures."""

from __future__ import annotations

import pytest

from pilar.core.dates import today
from pilar.figures import refresh, snapshots
from pilar.ppks.actions import end_ppks_record
from pilar.recaps import periods
from pilar.recaps.builders import RECAPS
from pilar.recaps.builders.context import Context
from pilar.recaps.render import render
from pilar.recaps.tests.conftest import month_before, pdf_text, ppks, xlsx_rows

pytestmark = pytest.mark.django_db


def snapshot_of_everything(user, month):
    area = periods.city()
    out = {}
    for recap in RECAPS:
        if recap.slug == "psks":
            continue  # read from the PSKS register's dates, not from the figures
        doc = recap.build(Context(user, area, month, today()))
        out[recap.slug] = (
            [t.as_dict() for t in doc.tables()],
            pdf_text(render(doc, "pdf")),
            xlsx_rows(render(doc, "xlsx")),
        )
    return out


def test_past_month_recaps_do_not_move(city, dinsos):
    last = month_before(1)
    snapshots._freeze_kept(last, refresh.state())
    before = snapshot_of_everything(dinsos, last)
    current_before = snapshot_of_everything(dinsos, periods.current_month())

    # New writes: another Pengemis in kecamatan A, Budi's record ended.
    ppks(dinsos, 13, person=city["rina"])
    record = city["budi"].ppks_records.get()
    end_ppks_record(record, acting_user=dinsos, reason="tertangani")
    refresh.refresh_dirty(wait=True)

    assert snapshot_of_everything(dinsos, last) == before
    # The current month moved (the kept figures follow the writes).
    assert snapshot_of_everything(dinsos, periods.current_month())["ppks"] != current_before["ppks"]
