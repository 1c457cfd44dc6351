"""Which full identity numbers (NIK, No. KK) the current request has handed out.

UU PDP: a response that carries unmasked identity numbers is an access to people's
data and must be traceable to a person (issue 11, part 3). Code that puts a full
number into a response calls `note_disclosed`; `pilar.audit.middleware` writes one
access-log entry per request that disclosed any, unless the endpoint already wrote
its own (a person's detail, an export), which `note_logged` records.

A context variable, not a request attribute, so helpers deep in the serialisers
need no request; each request (thread or task) gets its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Disclosure:
    values: set[str] = field(default_factory=set)
    logged: bool = False


_current: ContextVar[Disclosure | None] = ContextVar("pilar_disclosure", default=None)


@contextmanager
def tracking() -> Iterator[Disclosure]:
    state = Disclosure()
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


def note_disclosed(value: str | None) -> None:
    state = _current.get()
    if state is not None and value:
        state.values.add(value)


def note_logged() -> None:
    state = _current.get()
    if state is not None:
        state.logged = True
