"""Forms of the data-protection pages: they render fields and carry what was typed;
pilar.pdp.actions validates."""

from __future__ import annotations

from django import forms

from pilar.core.forms import PilarForm, blank, date_input
from pilar.pdp import choices
from pilar.registry import choices as rc


def moment_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class RequestForm(PilarForm):
    kind = forms.CharField(
        label="Jenis permintaan", widget=forms.Select(choices=blank(choices.RequestKind.choices))
    )
    person = forms.CharField(
        label="Individu (NIK atau nomor ID registri)",
        help_text="Wajib untuk akses dan perbaikan. Cari dahulu di menu Keluarga bila perlu.",
    )
    requester_name = forms.CharField(label="Nama pemohon")
    requester_relation = forms.CharField(
        label="Hubungan pemohon dengan subjek data", initial="diri sendiri"
    )
    requester_contact = forms.CharField(label="Kontak pemohon (telepon, alamat, surel)")
    channel = forms.CharField(
        label="Saluran", widget=forms.Select(choices=blank(choices.Channel.choices))
    )
    identity_checked = forms.BooleanField(
        label="Identitas pemohon sudah diperiksa (KTP/KK, surat kuasa bila diwakili)"
    )
    received_at = forms.CharField(label="Diterima pada", widget=moment_input())
    details = forms.CharField(label="Isi permintaan", widget=text_area(4))


class NoteForm(PilarForm):
    note = forms.CharField(label="Catatan", widget=text_area(2))


class CorrectionForm(PilarForm):
    """The registry fields a correction usually touches; empty = unchanged."""

    name = forms.CharField(label="Nama")
    nik = forms.CharField(label="NIK")
    sex = forms.CharField(label="Jenis kelamin", widget=forms.Select(choices=blank(rc.Sex.choices)))
    birth_place = forms.CharField(label="Tempat lahir")
    birth_date = forms.CharField(label="Tanggal lahir", widget=date_input())
    marital_status = forms.CharField(
        label="Status perkawinan", widget=forms.Select(choices=blank(rc.MaritalStatus.choices))
    )
    education = forms.CharField(
        label="Pendidikan", widget=forms.Select(choices=blank(rc.Education.choices))
    )
    occupation = forms.CharField(label="Pekerjaan")
    household__address = forms.CharField(label="Alamat keluarga")
    household__rt = forms.CharField(label="RT")
    household__rw = forms.CharField(label="RW")
    note = forms.CharField(label="Catatan perbaikan", widget=text_area(2))


class CloseForm(PilarForm):
    status = forms.CharField(
        label="Keputusan",
        widget=forms.Select(
            choices=blank(
                [
                    (choices.RequestStatus.DONE.value, "Selesai (dipenuhi)"),
                    (choices.RequestStatus.REFUSED.value, "Ditolak"),
                ]
            )
        ),
    )
    outcome = forms.CharField(label="Hasil / alasan", widget=text_area(3))


class LiftForm(PilarForm):
    reason = forms.CharField(label="Alasan pencabutan", widget=text_area(3))


class ToldForm(PilarForm):
    told_at = forms.CharField(label="Diberi tahu pada", widget=moment_input())
    told_how = forms.CharField(label="Cara (surat, datang langsung, surel, WhatsApp…)")


class BreachForm(PilarForm):
    title = forms.CharField(label="Judul")
    discovered_at = forms.CharField(label="Diketahui pada", widget=moment_input())
    occurred_at = forms.CharField(label="Terjadi pada (bila diketahui)", widget=moment_input())
    description = forms.CharField(label="Apa yang terjadi", widget=text_area(3))
    cause = forms.CharField(label="Bagaimana terjadi", widget=text_area(3))
    data_categories = forms.CharField(label="Data pribadi yang terungkap", widget=text_area(2))
    affected_count = forms.CharField(label="Perkiraan jumlah subjek data")
    persons = forms.CharField(
        label="Subjek data yang diketahui (NIK atau ID registri, pisahkan dengan koma)",
        widget=text_area(2),
    )
    consequences = forms.CharField(label="Akibat yang mungkin", widget=text_area(2))
    measures = forms.CharField(label="Upaya penanganan dan pemulihan", widget=text_area(3))
    contact = forms.CharField(label="Narahubung (nama, jabatan, telepon/surel)")


class NoticeForm(PilarForm):
    to = forms.CharField(
        label="Penerima",
        widget=forms.Select(
            choices=blank([("lembaga", "Lembaga (otoritas PDP)"), ("subjek", "Subjek data")])
        ),
    )
    at = forms.CharField(label="Dikirim pada", widget=moment_input())
    note = forms.CharField(label="Catatan (nomor surat, cara kirim)", widget=text_area(2))


class AssessmentForm(PilarForm):
    title = forms.CharField(label="Judul")
    processing = forms.CharField(label="Uraian pemrosesan", widget=text_area(6))
    purpose = forms.CharField(label="Tujuan", widget=text_area(3))
    legal_basis = forms.CharField(label="Dasar hukum", widget=text_area(2))
    data_used = forms.CharField(label="Data pribadi yang dipakai", widget=text_area(2))
    necessity = forms.CharField(label="Kebutuhan dan proporsionalitas", widget=text_area(3))
    risks = forms.CharField(label="Risiko bagi subjek data", widget=text_area(4))
    measures = forms.CharField(label="Langkah pengendalian", widget=text_area(4))
    risk_level = forms.CharField(
        label="Tingkat risiko sisa", widget=forms.Select(choices=blank(choices.RiskLevel.choices))
    )
    review_due = forms.CharField(label="Tinjau ulang paling lambat", widget=date_input())
