"""The `pilar` console script: every Django management command, plus Pilar's own
(demo, seed, serve, token, ...). `pilar help` lists them."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilar.settings")
    if sys.argv[1:2] == ["db"]:
        # `pilar db status|stop` inspects the embedded server without starting it.
        os.environ["PILAR_EMBEDDED_ATTACH_ONLY"] = "1"
    # After the environment above: Django reads it when this import loads the settings.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pilar", *sys.argv[1:]])


if __name__ == "__main__":
    main()
