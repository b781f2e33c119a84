"""The file store: content-addressed files under UPLOAD_DIR, written atomically.

A file lives at UPLOAD_DIR/ab/abcdef… named by the sha256 of its bytes, never by a name a user
gave it. The same content is stored once. A file is removed only by a cleanup that has checked
that no row refers to it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The stream was longer than the limit given; nothing was stored."""


def path_of(sha256: str) -> Path:
    """Where the file with this digest lives (refuses anything but a hex digest)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return Path(current_app.config["UPLOAD_DIR"]) / sha256[:2] / sha256


def store_file(data: bytes) -> str:
    """Store bytes and return their sha256."""
    return store_stream(_chunks(data))[0]


def store_stream(
    stream: BinaryIO | Iterable[bytes], max_size: int | None = None
) -> tuple[str, int]:
    """Store a stream (a file object or an iterable of chunks); return (sha256, size).

    The bytes go to a temporary file in the store, are fsynced and then renamed into place,
    so a reader never sees half a file. Past `max_size` bytes, TooLarge is raised and the
    temporary file is removed.
    """
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temporary = tempfile.mkstemp(dir=root, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as file:
            chunks = iter(lambda: stream.read(CHUNK), b"") if hasattr(stream, "read") else stream
            for chunk in chunks:
                size += len(chunk)
                if max_size is not None and size > max_size:
                    raise TooLarge(size)
                digest.update(chunk)
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        target = path_of(digest.hexdigest())
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            Path(temporary).unlink()
        else:
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def _chunks(data: bytes) -> Iterable[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]
