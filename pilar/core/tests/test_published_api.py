"""The published API does not move with the code: every operation published in API
v1 keeps its method, path and operation id (clients generate code from them), so a
refactoring that moves endpoints between modules cannot change them by accident.
New operations may be added; removing or renaming one is a new API version."""

from __future__ import annotations

import json
from pathlib import Path

from pilar.api import api

PUBLISHED = Path(__file__).with_name("published_operations.json")


def test_published_operations_keep_their_paths_and_ids():

    schema = api.get_openapi_schema()
    now = {
        f"{method.upper()} {path}": operation["operationId"]
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    published = json.loads(PUBLISHED.read_text())
    missing = {op: oid for op, oid in published.items() if now.get(op) != oid}
    assert not missing, f"published operations changed or removed: {missing}"
