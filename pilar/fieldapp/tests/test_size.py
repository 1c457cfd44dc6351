"""The field app's own JavaScript and CSS stay small for cheap phones on slow links
(issue 3: under 150 KB gzipped)."""

from __future__ import annotations

import gzip
import pathlib

from django.contrib.staticfiles import finders

from pilar.fieldapp.views import OWN_FILES

LIMIT = 150 * 1024


def test_own_js_and_css_under_150_kb_gzipped():
    total = 0
    for name in OWN_FILES:
        path = finders.find(name)
        assert path, name
        with open(path, "rb") as fh:  # noqa: PTH123
            total += len(gzip.compress(fh.read(), compresslevel=9))
    assert 10 * 1024 < total < LIMIT, f"{total / 1024:.1f} KB gzipped"


def test_all_own_files_are_listed():
    """A new .js/.css file in static/fieldapp/ must be counted (and cached offline)."""
    folder = pathlib.Path(finders.find("fieldapp/app.js")).parent
    on_disk = {f"fieldapp/{p.name}" for p in folder.iterdir() if p.suffix in (".js", ".css")}
    assert on_disk == set(OWN_FILES)
