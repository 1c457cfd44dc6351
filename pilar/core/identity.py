"""How identity numbers (NIK, No. KK) are shown to people who may not read them whole.

The rules that make a number valid live with the registry (`registry/identity.py`);
masking is a display tool every layer needs, so it lives here.
"""

from __future__ import annotations


def mask(value: str | None) -> str:
    """'3671012345670001' -> '3671********0001'."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
