"""Settings for mypy's Django plugin: never starts a database."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://typecheck@localhost/typecheck")
os.environ.setdefault("PILAR_SECRET_KEY", "typecheck")

from pilar.settings import *  # noqa: E402,F403
