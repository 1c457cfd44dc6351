"""`pilar figures monthly [--month YYYY-MM] [--enqueue]`: the mayor's monthly report
(docs/operations.md). Without --month it reports the month just ended, as cron runs
it on the first of each month; --enqueue hands the work to the task worker instead of
writing the PDF in this process."""

from __future__ import annotations

from pilar.core.formatting import month_label
from pilar.core.numbers import format_number
from pilar.figures.cli import Subcommand, register
from pilar.recaps import monthly, periods
from pilar.recaps.tasks import queue_report


def configure(parser) -> None:
    parser.add_argument("--month", help="bulan TTTT-BB (bawaan: bulan yang baru berakhir)")
    parser.add_argument(
        "--enqueue",
        action="store_true",
        help="serahkan ke pekerja latar (pilar db_worker) alih-alih membuatnya sekarang",
    )


def run(command, *, month=None, enqueue=False, **options) -> None:
    # parse_month refuses a malformed or future month and one before the first
    # figures with an Indonesian message (InvalidInput -> CommandError in the command).
    chosen = periods.parse_month(month) if month else monthly.default_month()
    if not month:
        periods.parse_month(f"{chosen:%Y-%m}")
    if enqueue:
        queue_report(chosen, acting_user=None)
        command.stdout.write(f"Laporan bulanan {month_label(chosen)} diantrekan.")
        return
    report = monthly.generate(chosen)
    command.stdout.write(
        f"Laporan bulanan {month_label(chosen)} ditulis: {report.file.path} "
        f"({format_number(report.size)} byte)."
    )


def install() -> None:
    register(
        Subcommand(
            name="monthly",
            help="tulis laporan bulanan PDF untuk Wali Kota (bawaan: bulan lalu)",
            configure=configure,
            run=run,
        )
    )
