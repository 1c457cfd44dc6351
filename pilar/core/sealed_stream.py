"""Authenticated encryption of a backup file as a stream (AES-256-GCM in 1 MiB
chunks), so a dump of gigabytes is never held in memory.

Layout: MAGIC, a 7-byte random file nonce, then chunks. Each chunk is
``len(ciphertext+tag)`` (4 bytes) and the AES-GCM output of up to CHUNK bytes, with
nonce = file nonce + chunk counter (4 bytes) + a final-chunk flag (1 byte), and the
magic as associated data: chunks cannot be reordered, dropped, or the file cut short
without the tag check failing (the STREAM construction). The key is 32 random bytes
kept in a key file (base64), away from the backups.
"""

from __future__ import annotations

import base64
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"PILARENC1\n"
CHUNK = 1024 * 1024
_NONCE_PREFIX = 7


class DecryptionFailed(Exception):
    pass


def new_key_file(path: Path) -> None:
    """Write a fresh key (refuses to overwrite: losing a key loses its backups)."""
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(AESGCM.generate_key(bit_length=256)).decode() + "\n")


def read_key(path: Path) -> bytes:
    try:
        key = base64.b64decode(path.read_text().strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise DecryptionFailed(f"Berkas kunci {path} tidak dapat dibaca: {exc}") from None
    if len(key) != 32:
        raise DecryptionFailed(f"Berkas kunci {path} bukan kunci AES-256 (32 bita, base64).")
    return key


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def encrypt(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    aes = AESGCM(key)
    prefix = os.urandom(_NONCE_PREFIX)
    target.write(MAGIC + prefix)
    counter = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aes.encrypt(_nonce(prefix, counter, last), chunk, MAGIC)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        counter += 1
        chunk = following


def decrypt(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    aes = AESGCM(key)
    if source.read(len(MAGIC)) != MAGIC:
        raise DecryptionFailed("Berkas bukan cadangan terenkripsi Pilar.")
    prefix = source.read(_NONCE_PREFIX)
    counter = 0
    while True:
        header = source.read(4)
        if len(header) != 4:
            raise DecryptionFailed("Berkas cadangan terpotong (bagian akhir hilang).")
        (size,) = struct.unpack(">I", header)
        sealed = source.read(size)
        if len(sealed) != size:
            raise DecryptionFailed("Berkas cadangan terpotong.")
        last = source.peek(1)[:1] == b"" if hasattr(source, "peek") else False
        try:
            plain = aes.decrypt(_nonce(prefix, counter, last), sealed, MAGIC)
        except InvalidTag:
            raise DecryptionFailed(
                "Kunci salah atau berkas cadangan rusak/diubah (pemeriksaan keaslian gagal)."
            ) from None
        target.write(plain)
        if last:
            return
        counter += 1
