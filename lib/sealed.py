"""Files of minors' data at rest (backups, full exports) are written sealed: AES-256-GCM from the `cryptography`
package, in the STREAM construction (as age and Tink do) so a file of any size is sealed in 64 KiB pieces without
holding it in memory, and a reordered, altered or cut file is refused on opening. The key comes from the
environment (OPENDOOR_BACKUP_KEY, 32 bytes in base64), never from the database; files are created 0600.

Layout: MAGIC, a 7-byte random nonce prefix, then pieces of (4-byte length, AES-GCM ciphertext of the piece); the
nonce of piece n is prefix ‖ n (4 bytes) ‖ last-piece flag (1 byte); the header is authenticated with every piece.
"""

import base64
import os
import secrets
import struct
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ActionError

MAGIC = b"OPENDOOR-SEALED-1\n"
PIECE = 64 * 1024


def new_key():
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _key():
    raw = settings.OPENDOOR_BACKUP_KEY
    try:
        key = base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)) if raw else b""
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ActionError(_("OPENDOOR_BACKUP_KEY must be 32 random bytes in base64; make one with "
                            "`python manage.py backup --new-key` and keep a copy off the server."))
    return key


def is_sealed(path):
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _nonce(prefix, number, last):
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


def seal_file(source, target):
    """Write ``source`` sealed to ``target`` (mode 0600 from the first byte)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    cipher = AESGCM(_key())
    prefix = secrets.token_bytes(7)
    header = MAGIC + prefix
    target = Path(target)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(target, 0o600)
    with open(source, "rb") as plain, os.fdopen(descriptor, "wb") as out:
        out.write(header)
        number, piece = 0, plain.read(PIECE)
        while True:
            following = plain.read(PIECE)
            last = not following
            sealed = cipher.encrypt(_nonce(prefix, number, last), piece, header)
            out.write(struct.pack(">I", len(sealed)) + sealed)
            if last:
                break
            number, piece = number + 1, following


def open_file(source, target):
    """Write the plain content of sealed ``source`` to ``target`` (0600); an ActionError if the key is wrong or the
    file was altered, reordered or cut."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    cipher = AESGCM(_key())
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(source, "rb") as sealed, os.fdopen(descriptor, "wb") as out:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise ActionError(_("This file is not a sealed backup of «Open Door»."))
        prefix = sealed.read(7)
        header = MAGIC + prefix
        number = 0
        while True:
            size = sealed.read(4)
            if len(size) < 4:
                raise ActionError(_("The backup file is cut short: it cannot be trusted."))
            piece = sealed.read(struct.unpack(">I", size)[0])
            last = not sealed.peek(1)[:1] if hasattr(sealed, "peek") else False
            try:
                out.write(cipher.decrypt(_nonce(prefix, number, last), piece, header))
            except InvalidTag:
                raise ActionError(_("The backup cannot be opened: the key is wrong or the file was changed.")) \
                    from None
            if last:
                return
            number += 1
