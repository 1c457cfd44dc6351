"""The due-date rules with their dates (cut-offs 31 March, 30 June, 30 September,
31 December, as shipped)."""

from __future__ import annotations

import datetime

import pytest

from pilar.freshness.choices import DueReason
from pilar.freshness.rules import Rules, add_months, cutoff_dates, parse_cutoffs, state

D = datetime.date
QUARTERLY = ["03-31", "06-30", "09-30", "12-31"]


def rules(cutoffs=QUARTERLY, months=24, event_days=30) -> Rules:
    return Rules(months=months, cutoffs=cutoff_dates(cutoffs, 2020, 2032), event_days=event_days)


def test_add_months_keeps_the_end_of_month():
    assert add_months(D(2024, 2, 29), 24) == D(2026, 2, 28)
    assert add_months(D(2025, 8, 31), 1) == D(2025, 9, 30)
    assert add_months(D(2026, 12, 7), -3) == D(2026, 9, 7)


def test_two_years_brought_forward_to_the_cutoff_before_them():
    # Verified 10 May 2025: 24 months end 10 May 2027; the last DTSEN cut-off before
    # then is 31 March 2027, so the visit is due by then.
    due = rules().next_visit(
        last_verified=D(2025, 5, 10), last_visited=None, registered=D(2024, 1, 1)
    )
    assert (due.on, due.reason) == (D(2027, 3, 31), DueReason.CUTOFF)


def test_two_years_falling_on_a_cutoff():
    due = rules().next_visit(
        last_verified=D(2025, 3, 31), last_visited=None, registered=D(2024, 1, 1)
    )
    assert (due.on, due.reason) == (D(2027, 3, 31), DueReason.TWO_YEARS)


def test_without_cutoffs_it_is_two_years():
    due = rules(cutoffs=[]).next_visit(
        last_verified=D(2025, 5, 10), last_visited=None, registered=D(2024, 1, 1)
    )
    assert (due.on, due.reason) == (D(2027, 5, 10), DueReason.TWO_YEARS)


def test_a_later_visit_counts_as_the_last_check():
    due = rules().next_visit(
        last_verified=D(2025, 1, 1), last_visited=D(2026, 2, 1), registered=D(2024, 1, 1)
    )
    assert due.on == D(2027, 12, 31)


def test_never_checked_is_due_at_the_next_cutoff():
    due = rules().next_visit(last_verified=None, last_visited=None, registered=D(2026, 12, 7))
    assert (due.on, due.reason) == (D(2026, 12, 31), DueReason.NEVER)
    due = rules().next_visit(last_verified=None, last_visited=None, registered=D(2026, 12, 31))
    assert due.on == D(2027, 3, 31)


def test_an_event_after_the_check_brings_the_visit_forward():
    due = rules().next_visit(
        last_verified=D(2025, 5, 10),
        last_visited=None,
        registered=D(2024, 1, 1),
        event_on=D(2026, 11, 20),
    )
    assert (due.on, due.reason) == (D(2026, 12, 20), DueReason.EVENT)


def test_an_event_the_last_check_saw_changes_nothing():
    due = rules().next_visit(
        last_verified=D(2026, 1, 10),
        last_visited=None,
        registered=D(2024, 1, 1),
        event_on=D(2025, 12, 1),
    )
    assert (due.on, due.reason) == (D(2027, 12, 31), DueReason.CUTOFF)


def test_an_event_later_than_the_due_date_changes_nothing():
    due = rules(event_days=90).next_visit(
        last_verified=D(2025, 5, 10),
        last_visited=None,
        registered=D(2024, 1, 1),
        event_on=D(2027, 3, 1),
    )
    assert due.on == D(2027, 3, 31)


def test_single_dates_and_bad_settings():
    assert cutoff_dates(["2027-01-15"], 2026, 2028) == [D(2027, 1, 15)]
    due = rules(cutoffs=["2027-01-15"]).next_visit(
        last_verified=D(2025, 5, 10), last_visited=None, registered=D(2024, 1, 1)
    )
    assert due.on == D(2027, 1, 15)
    with pytest.raises(ValueError, match="13-01"):
        parse_cutoffs(["13-01"])
    # 29 February recurs on the 28th in other years.
    assert D(2027, 2, 28) in cutoff_dates(["02-29"], 2027, 2027)


def test_state():
    today = D(2026, 12, 7)
    assert state(D(2026, 12, 6), today, 30) == "terlambat"
    assert state(D(2027, 1, 6), today, 30) == "jatuh_tempo"
    assert state(D(2027, 1, 7), today, 30) == "segar"
