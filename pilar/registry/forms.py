"""Forms of the registry pages.

They only render fields and carry what was typed: validation lives in the
actions (pilar.registry.actions), which raise InvalidInput keyed by field.
`pilar.core.forms.apply_errors` puts those messages back on the form's fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from pilar.accounts.scope import villages_for
from pilar.core.forms import PilarForm, blank, date_input
from pilar.core.identity import mask
from pilar.registry import choices
from pilar.registry.validation import HOUSEHOLD_FIELDS, PERSON_FIELDS

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def village_choices(user: User) -> list:
    """The user's change-scope kelurahan, grouped by kecamatan for the select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in villages_for(user, "change").order_by("district__name", "name"):
        groups.setdefault(f"Kec. {village.district.name}", []).append((village.pk, village.name))
    return blank(list(groups.items()))


class HouseholdForm(PilarForm):
    no_kk = forms.CharField(
        label="No. KK",
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="16 digit. Kosongkan bila tidak ada, lalu pilih alasannya.",
    )
    no_kk_missing_reason = forms.CharField(
        label="Alasan No. KK kosong",
        widget=forms.Select(choices=blank(choices.MissingIdReason.choices)),
    )
    no_kk_missing_note = forms.CharField(label="Keterangan No. KK kosong", max_length=200)
    address = forms.CharField(label="Alamat", max_length=255)
    rt = forms.CharField(label="RT", max_length=3, widget=forms.TextInput({"inputmode": "numeric"}))
    rw = forms.CharField(label="RW", max_length=3, widget=forms.TextInput({"inputmode": "numeric"}))
    village = forms.CharField(label="Kelurahan", widget=forms.Select())
    latitude = forms.CharField(label="Lintang (GPS)", max_length=20)
    longitude = forms.CharField(label="Bujur (GPS)", max_length=20)
    house_ownership = forms.CharField(
        label="Status kepemilikan rumah",
        widget=forms.Select(choices=blank(choices.HouseOwnership.choices)),
    )
    land_status = forms.CharField(
        label="Status lahan", widget=forms.Select(choices=blank(choices.LandStatus.choices))
    )

    def __init__(self, *args, user: User, instance=None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial = {f: getattr(instance, f) for f in HOUSEHOLD_FIELDS if f != "village"}
            # The number stays masked: showing it in full here would bypass the logged reveal.
            initial["no_kk"] = instance.masked_no_kk
            initial["village"] = instance.village_id
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["village"].widget.choices = village_choices(user)
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        if instance is not None and instance.no_kk:
            self.fields["no_kk"].help_text = "Biarkan tersamar bila tidak diubah."

    def values(self) -> dict:
        data = super().values()
        if self.instance is not None and self.instance.no_kk:
            if data.get("no_kk") == mask(self.instance.no_kk):
                data["no_kk"] = self.instance.no_kk
        return data


class PersonForm(PilarForm):
    nik = forms.CharField(
        label="NIK",
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="16 digit. Kosongkan bila tidak ada, lalu pilih alasannya.",
    )
    nik_missing_reason = forms.CharField(
        label="Alasan NIK kosong",
        widget=forms.Select(choices=blank(choices.MissingIdReason.choices)),
    )
    nik_missing_note = forms.CharField(label="Keterangan NIK kosong", max_length=200)
    nik_mismatch_reason = forms.CharField(
        label="Alasan konfirmasi",
        max_length=300,
        help_text="NIK tidak cocok dengan jenis kelamin/tanggal lahir. Bila data sudah benar "
        "(misalnya sesuai KTP asli), tulis alasannya lalu simpan lagi.",
    )
    name = forms.CharField(label="Nama lengkap", max_length=150)
    sex = forms.CharField(
        label="Jenis kelamin", widget=forms.Select(choices=blank(choices.Sex.choices))
    )
    birth_place = forms.CharField(label="Tempat lahir", max_length=100)
    birth_date = forms.CharField(label="Tanggal lahir", widget=date_input())
    relation = forms.CharField(
        label="Hubungan dengan kepala keluarga",
        widget=forms.Select(choices=blank(choices.Relation.choices)),
    )
    marital_status = forms.CharField(
        label="Status perkawinan",
        widget=forms.Select(choices=blank(choices.MaritalStatus.choices)),
    )
    education = forms.CharField(
        label="Pendidikan", widget=forms.Select(choices=blank(choices.Education.choices))
    )
    occupation = forms.CharField(label="Pekerjaan", max_length=100)
    disabilities = forms.MultipleChoiceField(
        label="Disabilitas",
        choices=choices.Disability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    chronic_illness = forms.CharField(label="Penyakit kronis", max_length=200)
    life_status = forms.CharField(
        label="Status kehidupan", widget=forms.Select(choices=choices.LifeStatus.choices)
    )
    life_status_date = forms.CharField(
        label="Tanggal meninggal/pindah",
        widget=date_input(),
        help_text="Diisi bila status meninggal atau pindah.",
    )

    def __init__(self, *args, instance=None, head: bool = False, new: bool = False, **kwargs):
        self.instance = instance
        self.show_mismatch = False
        if instance is not None and "initial" not in kwargs:
            initial = {f: getattr(instance, f) for f in PERSON_FIELDS}
            initial["nik"] = instance.masked_nik
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if head:
            # The head form of a new household: the relation is fixed.
            del self.fields["relation"]
        if head or new:
            del self.fields["life_status"]
            del self.fields["life_status_date"]
        if instance is not None and instance.nik:
            self.fields["nik"].help_text = "Biarkan tersamar bila tidak diubah."
        for name in ("name", "sex", "relation"):
            if name in self.fields:
                self.fields[name].widget.attrs["required"] = True
        if self.is_bound and self.data.get(self.add_prefix("nik_mismatch_reason")):
            self.show_mismatch = True
        elif instance is not None and instance.nik_mismatch_reason:
            self.show_mismatch = True

    def values(self) -> dict:
        data = super().values()
        if self.instance is not None and self.instance.nik:
            if data.get("nik") == mask(self.instance.nik):
                data["nik"] = self.instance.nik
        if "relation" not in self.fields:
            data["relation"] = choices.Relation.HEAD
        return data


class MoveForm(PilarForm):
    to_household = forms.CharField(
        label="Keluarga tujuan",
        max_length=32,
        help_text="No. KK (16 digit) atau nomor ID keluarga tujuan, di wilayah kerja Anda.",
    )
    relation = forms.CharField(
        label="Hubungan dengan kepala keluarga tujuan",
        widget=forms.Select(choices=blank(choices.Relation.choices)),
    )
    moved_on = forms.CharField(label="Tanggal pindah", widget=date_input())
    reason = forms.CharField(label="Alasan pindah", max_length=200)


def add_override_fields(form: forms.Form) -> None:
    """The two fields an act on a person whose processing is restricted needs to go
    ahead (UU 27/2022 art. 20; decision 43): added by the page only when the person
    is restricted, so other forms stay as they were."""
    form.fields["override_basis"] = forms.CharField(
        label="Dasar pemrosesan meski dibatasi (UU 27/2022 pasal 20)",
        required=False,
        widget=forms.Select(choices=blank(choices.OverrideBasis.choices)),
    )
    form.fields["override_reason"] = forms.CharField(
        label="Alasan pemrosesan meski dibatasi",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Dicatat bersama nama Anda dan waktu pemrosesan.",
    )
