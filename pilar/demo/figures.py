"""The demo's figures: kept figures recounted after the demo's own writes, the months
before today backfilled from the records' dates (so the dashboard's trends have a
year and more behind them), and this month frozen."""

from __future__ import annotations

from pilar.figures import refresh, snapshots


def seed(months: int = 18) -> int:
    """Returns how many past months were backfilled."""
    refresh.rebuild()
    made = snapshots.backfill_missing(limit_months=months)
    snapshots.freeze()
    return len(made)
