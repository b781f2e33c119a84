"""Uploaded files of submissions: names, types by content, storing and cleaning up.

A file is accepted only when its name's extension and its content agree on one of the allowed
types. The content decides: a PNG renamed .pdf, a zip renamed .docx or an HTML page renamed
.txt is refused. Accepted bytes go to the content-addressed store (academy.core.storage); the
name the uploader gave is kept, cleaned, only as a label.

Files are written before their rows are committed, so a failure in between would leave a file
that nothing refers to. `removing_orphans()` wraps an upload and its commit: when the block
fails, files it wrote for the first time and that no StoredFile row names are deleted again.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from academy.assignments.models import StoredFile
from academy.core import storage
from academy.core.errors import DomainError
from academy.extensions import db

CHUNK = 1024 * 1024
#: the longest file name kept (in characters, extension included)
MAX_NAME_LENGTH = 120

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
CSV = "text/csv"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

#: extension → the content type its content must have
TYPES_BY_EXTENSION = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "txt": TEXT,
    "csv": CSV,
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
    "odt": ODT,
    "ods": ODS,
}
#: for the file input's accept attribute
ACCEPT = ",".join(f".{ext}" for ext in TYPES_BY_EXTENSION)
#: the names shown to people
ALLOWED_NAMES = "PDF, DOCX, XLSX, PPTX, ODT, ODS, TXT, CSV, PNG, JPEG"

#: the main part of each Office Open XML type, as named in [Content_Types].xml
OOXML_MAIN_PARTS = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
#: a zip may not claim more than this many entries, bytes unpacked, or this packing ratio
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNPACKED = 500 * 1024 * 1024
ZIP_MAX_RATIO = 200
#: the small descriptive entries read from a zip are at most this long unpacked
ZIP_MAX_DESCRIPTOR = 1024 * 1024

#: the beginnings of markup a browser would run: refused in text files
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|"
    rb"img|a\s|form|\?xml|xml|x:|math)|javascript:",
    re.IGNORECASE,
)

#: content types a browser could render as a page: always sent as octet-stream
SERVED_AS_TYPE = {PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS}


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its bytes (a seekable stream) and the name the uploader gave."""

    stream: BinaryIO
    filename: str


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: its clean name, its type and its size."""

    stream: BinaryIO
    filename: str
    content_type: str
    size: int


def clean_filename(name: str | None) -> str:
    """A file name safe to show and to send back: no path, no control characters, not too long.

    Letters of any script are kept; a name that becomes empty is called "file".
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(
        c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*'
    ).strip()
    name = name.strip(". ")
    if not name:
        return "file"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = f"{stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip()}.{ext}"
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _size_of(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def _zip_type(stream: BinaryIO) -> str | None:
    """The Office or OpenDocument type of a zip, or None for any other (or a dangerous) zip."""
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                return None
            unpacked = sum(e.file_size for e in entries)
            packed = sum(e.compress_size for e in entries) or 1
            if unpacked > ZIP_MAX_UNPACKED or unpacked / packed > ZIP_MAX_RATIO:
                return None
            names = {e.filename: e for e in entries}
            mimetype = names.get("mimetype")
            if mimetype is not None and mimetype.file_size <= 200:
                declared = archive.read(mimetype).decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS) else None
            descriptor = names.get("[Content_Types].xml")
            if descriptor is None or descriptor.file_size > ZIP_MAX_DESCRIPTOR:
                return None
            content_types = archive.read(descriptor).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError):  # fmt: skip
        return None
    for content_type, main_part in OOXML_MAIN_PARTS.items():
        if f'ContentType="{main_part}"' in content_types:
            return content_type
    return None


def _is_plain_text(stream: BinaryIO) -> bool:
    """Text without NUL bytes, in UTF-8 or Windows-1252, that no browser would run as markup."""
    utf8 = True
    tail = b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := stream.read(CHUNK):
        if b"\x00" in chunk or MARKUP.search(tail + chunk):
            return False
        tail = chunk[-32:]
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if not utf8:
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError:
                return False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def sniff(stream: BinaryIO, claimed: str) -> bool:
    """Whether the content of `stream` is of the type `claimed` (one of TYPES_BY_EXTENSION)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if claimed == PDF:
            return head.startswith(b"%PDF-")
        if claimed == PNG:
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        if claimed == JPEG:
            return head.startswith(b"\xff\xd8\xff")
        if claimed in (TEXT, CSV):
            return _is_plain_text(stream)
        if head.startswith(b"PK\x03\x04"):
            return _zip_type(stream) == claimed
        return False
    finally:
        stream.seek(0)


def check_upload(upload: Upload, max_size: int | None = None) -> CheckedUpload:
    """Refuse (DomainError on the "files" field) a file of a wrong type, empty or too large."""
    max_size = max_size or current_app.config["ASSIGNMENT_MAX_FILE_SIZE"]
    name = clean_filename(upload.filename)
    content_type = TYPES_BY_EXTENSION.get(extension_of(name))
    if content_type is None:
        raise DomainError(
            _l(
                "%(name)s: this type of file is not accepted. Allowed types: %(types)s.",
                name=name,
                types=ALLOWED_NAMES,
            ),
            field="files",
        )
    size = _size_of(upload.stream)
    if size == 0:
        raise DomainError(_l("%(name)s is empty.", name=name), field="files")
    if size > max_size:
        raise DomainError(
            _l(
                "%(name)s is too large: a file may be at most %(limit)s MB.",
                name=name,
                limit=max_size // (1024 * 1024),
            ),
            field="files",
        )
    if not sniff(upload.stream, content_type):
        raise DomainError(
            _l(
                "%(name)s does not contain what its name says (%(ext)s). Save it again in "
                "that format, or rename it to match its content.",
                name=name,
                ext=extension_of(name).upper(),
            ),
            field="files",
        )
    return CheckedUpload(upload.stream, name, content_type, size)


# Storing, and removing what a failed upload left behind -----------------------------------

_written: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "academy_new_files", default=None
)


def _digest(stream: BinaryIO) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def store(checked: CheckedUpload) -> StoredFile:
    """Put the bytes into the store and return their StoredFile row (found or new, flushed).

    Two uploads of the same bytes at the same time may both try to add the row: the loser's
    insert fails inside a savepoint and it takes the winner's row instead.
    """
    sha256 = _digest(checked.stream)
    new_on_disk = not storage.path_of(sha256).exists()
    written = _written.get()
    if new_on_disk and written is not None:
        written.add(sha256)
    stored_sha, size = storage.store_stream(checked.stream, max_size=checked.size)
    if stored_sha != sha256:  # the stream changed under us; never label bytes wrongly
        raise DomainError(_l("The file changed while it was being saved. Try again."))
    row = db.session.scalar(sa.select(StoredFile).where(StoredFile.sha256 == sha256))
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = StoredFile(sha256=sha256, size=size, content_type=checked.content_type)
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(sa.select(StoredFile).where(StoredFile.sha256 == sha256))
        if row is None:
            raise
    return row


def remove_unreferenced(digests: set[str]) -> list[str]:
    """Delete the stored files among `digests` that no StoredFile row names; return those."""
    if not digests:
        return []
    known = set(
        db.session.scalars(sa.select(StoredFile.sha256).where(StoredFile.sha256.in_(digests)))
    )
    removed = []
    for sha256 in sorted(digests - known):
        storage.path_of(sha256).unlink(missing_ok=True)
        removed.append(sha256)
    return removed


@contextlib.contextmanager
def removing_orphans() -> Iterator[set[str]]:
    """Wrap storing files and committing their rows: on failure, roll back and delete the files
    first written inside the block that no row refers to. The exception goes on."""
    written: set[str] = set()
    token = _written.set(written)
    try:
        yield written
    except BaseException:
        db.session.rollback()
        remove_unreferenced(written)
        db.session.rollback()  # end the read's transaction, too
        raise
    finally:
        _written.reset(token)


def served_type(content_type: str) -> str:
    """The Content-Type a download is sent with: its own for documents and images, else bytes."""
    return content_type if content_type in SERVED_AS_TYPE else "application/octet-stream"
