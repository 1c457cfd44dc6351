"""Forms of the PSKS worker pages. They only collect raw values: the rules live in
`pilar.psks.actions.clean_worker`, whose Indonesian messages are put back on
the fields, so the page, the admin and any import say the same thing."""

from __future__ import annotations

from django import forms

from pilar.core.errors import InvalidInput
from pilar.core.forms import IndonesianBlanks, set_choices
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
