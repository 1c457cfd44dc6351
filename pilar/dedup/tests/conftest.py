"""Fixtures of the review-side tests (the engine's own tests do not use them)."""

from __future__ import annotations

import sys
import types

import pytest

import pilar.dedup
from pilar.dedup.types import CandidatePair


@pytest.fixture
def fake_engine(monkeypatch):
    """Replace the linkage engine's registry scoring and `compare` with fixed answers,
    for tests about what the review side does with the engine's output. Fill
    `engine.pairs`; `engine.calls` records the keyword arguments of each scoring,
    `engine.compared` the candidate ids of each compare."""
    try:
        from pilar.dedup import linkage
    except ImportError:  # the engine has not landed yet
        linkage = types.ModuleType("pilar.dedup.linkage")
        linkage.DEFAULT_THRESHOLD = 0.8  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "pilar.dedup.linkage", linkage)
        monkeypatch.setattr(pilar.dedup, "linkage", linkage, raising=False)

    engine = types.SimpleNamespace(pairs=[], calls=[])

    def score_registry(
        *,
        village_prefix=None,
        threshold=None,
        exclude=None,
        progress=None,
        labels=(),
        on_model=None,
    ):
        engine.calls.append(
            {
                "village_prefix": village_prefix,
                "threshold": threshold,
                "exclude": exclude,
                "labels": list(labels),
            }
        )
        if progress:
            progress("Menilai pasangan")
        # Deliberately ignores `exclude`: the review side must drop decided pairs itself.
        return list(engine.pairs)

    def compare(new, candidates, params=None):
        """Every prefiltered candidate scores `engine.compare_probability`."""
        engine.compared.append([c.id for c in candidates])
        return [
            CandidatePair(min(new.id, c.id), max(new.id, c.id), engine.compare_probability, ())
            for c in candidates
        ]

    engine.compared = []
    engine.compare_probability = 0.97
    monkeypatch.setattr(linkage, "score_registry", score_registry, raising=False)
    monkeypatch.setattr(linkage, "compare", compare, raising=False)
    return engine
