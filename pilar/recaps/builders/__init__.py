"""The official recaps: each builder turns one month's figures of one area into a
`core.documents.model.Document`, written as XLSX or PDF by the toolkit. `RECAPS`
lists them in the order of the /rekap/ page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pilar.core.documents.model import Document
from pilar.recaps.builders import poverty, ppks, programs, psks, spm
from pilar.recaps.builders.context import Context


@dataclass(frozen=True)
class Recap:
    slug: str
    title: str
    description: str
    build: Callable[[Context], Document]
    # Program figures are for the roles that see the program pages.
    city_roles_only: bool = False

    def allowed(self, user) -> bool:
        return not self.city_roles_only or getattr(user, "is_city_wide", False)


RECAPS: list[Recap] = [
    Recap(
        "ppks",
        "Rekapitulasi PPKS",
        "26 jenis PPKS per kecamatan (atau per kelurahan untuk satu kecamatan), laki-laki, "
        "perempuan dan jumlah, dibandingkan dengan bulan yang sama setahun sebelumnya.",
        ppks.build,
    ),
    Recap(
        "psks",
        "Rekapitulasi PSKS",
        "12 jenis Potensi dan Sumber Kesejahteraan Sosial yang aktif pada akhir bulan, "
        "per kecamatan (atau per kelurahan).",
        psks.build,
    ),
    Recap(
        "kemiskinan",
        "Kemiskinan dan RTLH per kelurahan",
        "Keluarga per desil, keluarga miskin menurut 14 kriteria BPS, Fakir Miskin dan "
        "rumah tidak layak huni (RTLH) yang tersisa, per kelurahan.",
        poverty.build,
    ),
    Recap(
        "program",
        "Realisasi program",
        "Per program dan kecamatan: layak, peserta, sudah menerima, nilai rencana dan "
        "nilai tersalurkan pada tahun anggaran bulan itu.",
        programs.build,
        city_roles_only=True,
    ),
    Recap(
        "spm",
        "Capaian SPM bidang sosial",
        "Standar Pelayanan Minimal (Permensos 9/2018): rehabilitasi sosial dasar di luar "
        "panti bagi anak terlantar, lanjut usia terlantar, penyandang disabilitas "
        "terlantar, serta gelandangan dan pengemis.",
        spm.build,
    ),
]

BY_SLUG = {recap.slug: recap for recap in RECAPS}


def recaps_for(user) -> list[Recap]:
    return [recap for recap in RECAPS if recap.allowed(user)]
