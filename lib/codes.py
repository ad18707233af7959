"""Opaque public identifiers: URLs never carry sequential ids or personal data."""

import secrets

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_code(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
