"""Forms of the case pages: render fields only; pilar.cases.actions validates."""

from __future__ import annotations

from django import forms

from pilar.cases import choices
from pilar.core.forms import PilarForm, blank, date_input


class WorkerField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(widget=forms.Select(), **kwargs)


def worker_options(users) -> list[tuple[str, str]]:
    return blank(
        [
            (
                str(u.pk),
                f"{u.get_full_name() or u.username} · {u.get_role_display()}"
                + (f" · {u.area_label}" if u.role != "dinsos" else ""),
            )
            for u in users
        ]
    )


class OpenForm(PilarForm):
    intake_date = forms.CharField(label="Tanggal penerimaan", widget=date_input())
    intake_source = forms.CharField(
        label="Sumber", widget=forms.Select(choices=blank(choices.IntakeSource.choices))
    )
    intake_notes = forms.CharField(
        label="Catatan penerimaan", widget=forms.Textarea(attrs={"rows": 3})
    )
    assigned_to = WorkerField(label="Petugas", help_text="Boleh ditugaskan nanti.")
    followup_days = forms.CharField(
        label="Interval tindak lanjut (hari)",
        widget=forms.NumberInput(attrs={"min": 1, "max": 365}),
    )

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].widget.choices = worker_options(workers)


class AssignForm(PilarForm):
    assigned_to = WorkerField(label="Petugas")
    note = forms.CharField(label="Catatan", max_length=300)

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].widget.choices = worker_options(workers)


class AssessForm(PilarForm):
    needs = forms.MultipleChoiceField(
        label="Bidang kebutuhan",
        choices=choices.NeedArea.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    assessment_notes = forms.CharField(
        label="Hasil asesmen", widget=forms.Textarea(attrs={"rows": 4})
    )
    assessed_on = forms.CharField(label="Tanggal asesmen", widget=date_input())


class InterventionForm(PilarForm):
    kind = forms.CharField(
        label="Jenis intervensi",
        widget=forms.Select(choices=blank(choices.InterventionType.choices)),
    )
    program = forms.CharField(
        label="Program", widget=forms.Select(), help_text="Untuk pendaftaran program."
    )
    target = forms.CharField(
        label="Tujuan", max_length=200, help_text="Nama panti, LKS, rumah sakit atau jenis bantuan."
    )
    planned_date = forms.CharField(label="Tanggal rencana", widget=date_input())

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].widget.choices = blank([(str(p.pk), p.name) for p in programs])


class ResultForm(PilarForm):
    status = forms.CharField(
        label="Hasil",
        widget=forms.Select(
            choices=blank(
                [
                    (choices.InterventionStatus.DONE, "Terlaksana"),
                    (choices.InterventionStatus.CANCELLED, "Dibatalkan"),
                ]
            )
        ),
    )
    result_note = forms.CharField(
        label="Keterangan hasil", widget=forms.Textarea(attrs={"rows": 3})
    )
    done_on = forms.CharField(label="Tanggal", widget=date_input())


class VisitForm(PilarForm):
    visited_on = forms.CharField(label="Tanggal kunjungan", widget=date_input())
    notes = forms.CharField(label="Catatan kunjungan", widget=forms.Textarea(attrs={"rows": 4}))
    latitude = forms.CharField(
        label="Lintang (GPS)", max_length=20, help_text="Opsional, misalnya -6.178306."
    )
    longitude = forms.CharField(
        label="Bujur (GPS)", max_length=20, help_text="Opsional, misalnya 106.631889."
    )


class CloseForm(PilarForm):
    outcome = forms.CharField(
        label="Hasil akhir", widget=forms.Select(choices=blank(choices.Outcome.choices))
    )
    closed_on = forms.CharField(label="Tanggal ditutup", widget=date_input())
    closure_note = forms.CharField(
        label="Catatan penutupan", widget=forms.Textarea(attrs={"rows": 3})
    )
