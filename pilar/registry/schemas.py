"""API body fields shared by the apps that enforce a restriction of processing
(decision 43): the written basis and reason of a single act done anyway."""

from __future__ import annotations

from ninja import Field, Schema


class ProcessingOverrideIn(Schema):
    """Mixed into a write's body when the act may concern a restricted person."""

    override_basis: str = Field(
        "",
        description=(
            "Hanya bila pemrosesan individu ini dibatasi (UU 27/2022): dasar pemrosesan "
            "tetap (kewajiban_hukum, kepentingan_vital, tugas_publik)."
        ),
    )
    override_reason: str = Field(
        "", description="Alasan pemrosesan meski dibatasi (dicatat). Tanpa ini: 422."
    )
