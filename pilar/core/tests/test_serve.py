"""`pilar serve` gives waitress room for the field force's kept-alive connections
(benchmarks/RESULTS.md, load runs 3-5: past waitress's default of 100, a new phone's
first request waited minutes for an idle connection to time out)."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def served(monkeypatch, settings, tmp_path):
    seen: dict = {}
    settings.STATIC_ROOT = str(tmp_path)
    (tmp_path / "x.css").write_text("")
    monkeypatch.setattr("waitress.serve", lambda app, **kw: seen.update(kw))
    # serve() installs SIGTERM handlers (and ignores SIGTERM on its way out): not in
    # the test process.
    monkeypatch.setattr("signal.signal", lambda *args: None)
    return seen


def test_serve_keeps_a_thousand_connections_with_poll(served):
    call_command("serve", "--no-worker", "--port", "8123")
    assert served["connection_limit"] == 1000
    assert served["asyncore_use_poll"] is True
    assert served["port"] == 8123 and served["threads"] == 8


def test_connection_limit_can_be_set(served):
    call_command("serve", "--no-worker", "--connection-limit", "2000", "--threads", "4")
    assert served["connection_limit"] == 2000 and served["threads"] == 4
