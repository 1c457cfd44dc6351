"""The one filter of the program list, used by the page, the export and the API."""

from __future__ import annotations

from dataclasses import dataclass

from pilar.programs.choices import Level
from pilar.programs.models import Program


@dataclass
class ProgramFilter:
    q: str = ""
    level: str = ""
    status: str = ""  # "aktif" | "nonaktif" | ""
    national: str = ""  # "ya" | "tidak" | ""

    @classmethod
    def from_params(cls, params) -> ProgramFilter:
        return cls(
            q=(params.get("q") or "").strip()[:100],
            level=params.get("level") if params.get("level") in Level.values else "",
            status=params.get("status") if params.get("status") in ("aktif", "nonaktif") else "",
            national=params.get("national") if params.get("national") in ("ya", "tidak") else "",
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.level or self.status or self.national)

    def queryset(self):
        qs = Program.objects.search(self.q)
        if self.level:
            qs = qs.filter(level=self.level)
        if self.status:
            qs = qs.filter(is_active=self.status == "aktif")
        if self.national:
            qs = qs.filter(is_national=self.national == "ya")
        return qs.order_by("is_national", "name")
