"""Encrypted backup archives: a stream of AES-256-GCM chunks under a key file.

Chunked so a county's archive never has to fit in memory. Each chunk's nonce carries its number
and a last-chunk flag, so reordered, cut or appended chunks fail to decrypt (a truncated archive
is an error, never a shorter restore).
"""

from __future__ import annotations

import base64
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jiuzhu.cli.errors import CommandError

MAGIC = b"JIUZHU-BACKUP-AESGCM-1\n"
CHUNK = 1 << 20
KEY_BYTES = 32


def new_key_file(path: Path) -> None:
    """Write a fresh random key (base64, one line), readable by its owner only; never overwrites."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n")


def read_key_file(path: Path) -> bytes:
    try:
        raw = path.read_text(encoding="ascii").strip()
        key = base64.urlsafe_b64decode(raw)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise CommandError(f"无法读取密钥文件 {path.name}", f"cannot read the key file {path.name}: {err}") from None
    if len(key) != KEY_BYTES:
        raise CommandError(f"密钥文件 {path.name} 不是本平台生成的密钥（应为 32 字节）",
                           f"the key file {path.name} is not a 32-byte key made by `jiuzhu backup --new-key`")
    return key


def _nonce(prefix: bytes, n: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", n, 1 if last else 0)


class SealingWriter:
    """File-like: bytes written go out encrypted, in chunks; `close()` writes the last chunk."""

    def __init__(self, raw: BinaryIO, key: bytes) -> None:
        self._raw, self._aead, self._prefix = raw, AESGCM(key), os.urandom(7)
        self._buf = bytearray()
        self._n = 0
        raw.write(MAGIC + self._prefix)

    def write(self, data: bytes) -> int:
        self._buf += data
        while len(self._buf) > CHUNK:  # keep at least one byte back: the last chunk must be flagged
            self._seal(bytes(self._buf[:CHUNK]), last=False)
            del self._buf[:CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._n, last), chunk, MAGIC)
        self._raw.write(struct.pack(">I", len(sealed)) + sealed)
        self._n += 1

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._seal(bytes(self._buf), last=True)
        self._buf.clear()


class OpeningReader:
    """File-like over a sealed stream: `read(n)` returns plain bytes; a damaged stream raises CommandError."""

    def __init__(self, raw: BinaryIO, key: bytes) -> None:
        if raw.read(len(MAGIC)) != MAGIC:
            raise _damaged("not an encrypted jiuzhu backup")
        self._raw, self._aead, self._prefix = raw, AESGCM(key), raw.read(7)
        self._buf = b""
        self._n = 0
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buf) < size):
            self._open_next()
        if size < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:size], self._buf[size:]
        return out

    def _open_next(self) -> None:
        head = self._raw.read(4)
        if len(head) < 4:
            raise _damaged("the archive ends before its last chunk (truncated)")
        sealed = self._raw.read(struct.unpack(">I", head)[0])
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._prefix, self._n, last), sealed, MAGIC)
            except InvalidTag:
                continue
            self._buf += plain
            self._n += 1
            if last:
                if self._raw.read(1):
                    raise _damaged("bytes after the last chunk")
                self._done = True
            return
        raise _damaged("wrong key, or the archive was changed")


def is_sealed(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def _damaged(why: str) -> CommandError:
    return CommandError("备份文件无法解密：密钥不对，或文件不完整、被改动", f"cannot decrypt the backup: {why}")
