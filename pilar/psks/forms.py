"""Forms of the PSKS worker pages. They only collect raw values: the rules live in
`pilar.psks.actions.clean_worker`, whose Indonesian messages are put back on
the fields, so the page, the admin and any import say the same thing."""

from __future__ import annotations

from django import forms

from pilar.core.errors import InvalidInput
from pilar.core.forms import IndonesianBlanks, PilarForm, blank, date_input, set_choices
from pilar.core.numbers import format_number
from pilar.psks.choices import EndReason, Issuer, Topic
from pilar.psks.models import PsksType
from pilar.regions.deployment import districts, villages


def district_choices(qs=None) -> list[tuple[str, str]]:
    return [(d.code, f"{d.name}") for d in (qs if qs is not None else districts())]


def village_choices() -> list:
    """Kelurahan grouped by kecamatan (optgroups keep the long list readable)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in villages():
        groups.setdefault(village.district.name, []).append((village.code, village.name))
    return [("", "— tidak ada (tingkat kecamatan) —"), *groups.items()]


class WorkerForm(IndonesianBlanks, forms.Form):
    psks_type = forms.ChoiceField(label="Jenis PSKS")
    name = forms.CharField(label="Nama", required=True, max_length=200)
    nik = forms.CharField(
        label="NIK",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text="Opsional. 16 digit sesuai KTP.",
    )
    phone = forms.CharField(
        label="Telepon",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    email = forms.CharField(
        label="Email", required=False, max_length=254, widget=forms.EmailInput()
    )
    address = forms.CharField(label="Alamat", required=False, max_length=300)
    district = forms.ChoiceField(label="Kecamatan")
    village = forms.ChoiceField(
        label="Kelurahan",
        required=False,
        help_text="Wajib untuk PSM; kosongkan untuk TKSK.",
    )
    active_from = forms.CharField(
        label="Aktif sejak", widget=forms.DateInput(attrs={"type": "date"})
    )
    active_until = forms.CharField(
        label="Aktif sampai",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Kosongkan jika masih aktif.",
    )
    notes = forms.CharField(
        label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    REQUIRED_MESSAGES = {
        "psks_type": "Jenis PSKS wajib dipilih.",
        "name": "Nama wajib diisi.",
        "district": "Kecamatan wajib diisi.",
        "active_from": "Tanggal mulai aktif wajib diisi.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "psks_type",
            [("", "— pilih —")]
            + [(str(t.pk), str(t)) for t in PsksType.objects.order_by("number")],
        )
        set_choices(self, "district", [("", "— pilih —"), *district_choices()])
        set_choices(self, "village", village_choices())
        for name, message in self.REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Pilihan '%(value)s' tidak dikenal."

    @classmethod
    def initial_for(cls, worker) -> dict:
        return {
            "psks_type": str(worker.psks_type_id),
            "name": worker.name,
            "nik": worker.nik,
            "phone": worker.phone,
            "email": worker.email,
            "address": worker.address,
            "district": worker.district_id,
            "village": worker.village_id or "",
            "active_from": worker.active_from.isoformat() if worker.active_from else "",
            "active_until": worker.active_until.isoformat() if worker.active_until else "",
            "notes": worker.notes,
        }

    def add_action_errors(self, exc: InvalidInput) -> None:
        for field, messages in exc.errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class WorkerFilterForm(IndonesianBlanks, forms.Form):
    """Search and filters of the worker list (GET parameters)."""

    q = forms.CharField(label="Cari nama", required=False)
    jenis = forms.ChoiceField(label="Jenis PSKS", required=False)
    kecamatan = forms.ChoiceField(label="Kecamatan", required=False)

    def __init__(self, *args, district_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "jenis",
            [("", "Semua jenis")]
            + [(str(t.pk), t.short_name) for t in PsksType.objects.order_by("number")],
        )
        set_choices(self, "kecamatan", [("", "Semua kecamatan"), *district_choices(district_qs)])


# Training, decrees and allowances (the actions validate; these carry what was typed) --


class EventForm(PilarForm):
    title = forms.CharField(label="Judul", max_length=300)
    topic = forms.ChoiceField(label="Topik", choices=blank(Topic.choices))
    is_basic = forms.BooleanField(
        label="Bimtek dasar (syarat PSM, Permensos 10/2019)", required=False
    )
    description = forms.CharField(label="Uraian", widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.CharField(label="Tempat", max_length=300)
    organiser = forms.CharField(label="Penyelenggara", max_length=300)
    budget = forms.CharField(label="Anggaran (Rp)", max_length=30, help_text="Contoh: 150.000.000")
    starts_on = forms.CharField(label="Mulai", widget=date_input())
    ends_on = forms.CharField(label="Selesai", widget=date_input())

    @staticmethod
    def initial_for(event) -> dict:
        return {
            "title": event.title,
            "topic": event.topic,
            "is_basic": event.is_basic,
            "description": event.description,
            "place": event.place,
            "organiser": event.organiser,
            "budget": "" if event.budget is None else format_number(event.budget),
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
        }


class InviteForm(PilarForm):
    types = forms.MultipleChoiceField(
        label="Peran",
        choices=[("2", "PSM"), ("11", "TKSK")],
        widget=forms.CheckboxSelectMultiple,
    )
    district = forms.ChoiceField(label="Kecamatan")
    village = forms.ChoiceField(label="Kelurahan")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "district", [("", "— seluruh kota —"), *district_choices()])
        groups = village_choices()
        set_choices(self, "village", [("", "— semua kelurahan —"), *groups[1:]])


class MaterialForm(PilarForm):
    title = forms.CharField(label="Judul materi", max_length=300)
    file = forms.FileField(label="Berkas")


class QuestionsForm(PilarForm):
    questions = forms.CharField(
        label="Soal tes (sama untuk pre-test dan post-test)",
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text="Tulis nomor soal lalu pilihan jawaban a–e; tandai jawaban benar dengan *.",
    )


class CertificateForm(PilarForm):
    pattern = forms.CharField(
        label="Pola nomor",
        max_length=60,
        help_text="Wajib memuat {n}, misalnya 400.9/{n}/PLT/DINSOS/2026.",
    )
    first = forms.CharField(label="Nomor urut awal", max_length=10)
    issued_on = forms.CharField(label="Tanggal sertifikat", widget=date_input())


class AppointmentForm(PilarForm):
    number = forms.CharField(label="Nomor SK", max_length=200)
    issuer = forms.ChoiceField(label="Penerbit", choices=blank(Issuer.choices))
    decree_date = forms.CharField(label="Tanggal SK", widget=date_input())
    starts_on = forms.CharField(label="Berlaku mulai", widget=date_input())
    ends_on = forms.CharField(label="Berlaku sampai", widget=date_input())
    village = forms.ChoiceField(
        label="Kelurahan tugas", help_text="Kosongkan untuk memakai wilayah tugas pekerja."
    )
    decree_file = forms.FileField(label="Pindaian SK (PDF/JPG/PNG, maks. 10 MB)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = village_choices()
        set_choices(self, "village", [("", "— sesuai wilayah tugas —"), *groups[1:]])


class EndAppointmentForm(PilarForm):
    ended_on = forms.CharField(label="Berhenti per tanggal", widget=date_input())
    end_reason = forms.ChoiceField(label="Alasan", choices=blank(EndReason.choices))
    end_note = forms.CharField(label="Keterangan", widget=forms.Textarea(attrs={"rows": 2}))


class BankForm(PilarForm):
    bank_name = forms.CharField(label="Nama bank", max_length=100)
    bank_account = forms.CharField(label="Nomor rekening", max_length=40)
    bank_account_name = forms.CharField(label="Nama pemilik rekening", max_length=200)


class PeriodForm(PilarForm):
    name = forms.CharField(label="Nama periode", max_length=100, help_text="Contoh: Januari 2026")
    starts_on = forms.CharField(label="Mulai", widget=date_input())
    ends_on = forms.CharField(label="Selesai", widget=date_input())
    amount = forms.CharField(label="Besaran per orang (Rp)", max_length=30)
