"""Opaque public identifiers: URLs never carry sequential ids or personal data."""

import secrets

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_code(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


# Read aloud and typed from paper: capitals and digits that cannot be mistaken for one another (no 0/O, 1/I, 5/S…).
_CHECK_ALPHABET = "ACDEFHJKLMNPRTUVWXY3479"


def new_check_code(length: int = 6) -> str:
    """A short code printed on a document beside its number; 23⁶ ≈ 148 million values."""
    return "".join(secrets.choice(_CHECK_ALPHABET) for _ in range(length))


def normalise_check_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:12]


def journal_number(number, year):
    """«12/2026»: a case's number in its service's journal for the year (also shown on referral lines)."""
    return f"{number}/{year}"
