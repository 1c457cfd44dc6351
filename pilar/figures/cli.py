"""Subcommands that apps above pilar.figures add to `pilar figures` (the recaps'
`monthly`): figures may not import them (the layers, .importlinter), so they register
here from their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    configure: Callable[[Any], None]  # adds the subcommand's arguments to its parser
    run: Callable[..., None]  # run(command, **options)


SUBCOMMANDS: dict[str, Subcommand] = {}


def register(subcommand: Subcommand) -> None:
    SUBCOMMANDS[subcommand.name] = subcommand
