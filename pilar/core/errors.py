"""The errors actions raise: `InvalidInput` for bad input (field -> Indonesian messages)
and `NotAllowed` for an object outside the user's scope."""

from __future__ import annotations


class InvalidInput(Exception):
    """Input that must not be written. `errors` maps field names to messages;
    "__all__" holds messages about the whole record. `codes` maps a field to a
    machine-readable code where the client may react (e.g. "nik_mismatch")."""

    def __init__(
        self,
        errors: dict[str, list[str]],
        message: str = "Data tidak valid. Periksa isian yang ditandai.",
        codes: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.codes = codes or {}


class ErrorCollector:
    """Collects field errors so a form shows all of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.codes: dict[str, str] = {}

    def add(self, field: str, message: str, code: str = "") -> None:
        self.errors.setdefault(field, []).append(message)
        if code:
            self.codes[field] = code

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors, codes=self.codes)


class NotAllowed(Exception):
    """The object is outside the acting user's scope (or the user may not act on it).
    Pages and the API answer 404, exactly as for a missing object, so scope never
    reveals that something exists."""
