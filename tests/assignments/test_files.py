"""Uploads: type by content and name, names, sizes, storing, and no orphans after a failure."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from academy.assignments import files, services
from academy.assignments.models import StoredFile, SubmissionFile
from academy.core import storage
from academy.core.errors import DomainError
from academy.extensions import db
from tests.assignments.conftest import PDF, PNG, SUBMISSION_FIXTURES, upload

pytestmark = SUBMISSION_FIXTURES


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ooxml(main: str) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )
    return _zip({"[Content_Types].xml": types.encode(), "word/document.xml": b"<w/>"})


DOCX = _ooxml(files.OOXML_MAIN_PARTS[files.DOCX])
XLSX = _ooxml(files.OOXML_MAIN_PARTS[files.XLSX])
PPTX = _ooxml(files.OOXML_MAIN_PARTS[files.PPTX])
ODT = _zip({"mimetype": files.ODT.encode(), "content.xml": b"<x/>"}, zipfile.ZIP_STORED)
ODS = _zip({"mimetype": files.ODS.encode(), "content.xml": b"<x/>"}, zipfile.ZIP_STORED)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("raportti.pdf", PDF, files.PDF),
        ("kaavio.png", PNG, files.PNG),
        ("kuva.JPG", JPEG, files.JPEG),
        ("kuva.jpeg", JPEG, files.JPEG),
        ("muistio.txt", "Hankintastrategia – tavoitteet\n".encode(), files.TEXT),
        ("windows.txt", "Hankinta\u00e4\n".encode("cp1252"), files.TEXT),
        ("kulut.csv", b"kategoria;euroa\nsiivous;1200\n", files.CSV),
        ("suunnitelma.docx", DOCX, files.DOCX),
        ("analyysi.xlsx", XLSX, files.XLSX),
        ("esitys.pptx", PPTX, files.PPTX),
        ("teksti.odt", ODT, files.ODT),
        ("taulukko.ods", ODS, files.ODS),
    ],
)
def test_allowed_types_are_accepted_by_content(name, content, content_type):
    checked = files.check_upload(upload(name, content))
    assert checked.content_type == content_type
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kuva.pdf", PNG),  # a PNG renamed .pdf
        ("raportti.png", PDF),
        ("sivu.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("kuva.txt", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("data.csv", b"a,b\n<script>alert(1)</script>\n"),
        ("binary.txt", b"abc\x00def"),
        ("paketti.docx", _zip({"readme.txt": b"not office"})),  # a zip, but not a document
        ("taulukko.docx", XLSX),  # a spreadsheet called a document
        ("teksti.ods", ODT),
        ("rikki.docx", b"PK\x03\x04 not really a zip"),
        ("sivu.html", b"<html></html>"),
        ("kuva.svg", b"<svg/>"),
        ("ohjelma.exe", b"MZ\x90\x00"),
        ("ei-paatetta", PDF),
        ("makro.docm", DOCX),
    ],
)
def test_wrong_or_dangerous_content_is_refused(name, content):
    with pytest.raises(DomainError) as raised:
        files.check_upload(upload(name, content))
    assert raised.value.field == "files"


def test_zip_bomb_like_documents_are_refused():
    bomb = _zip(
        {
            "[Content_Types].xml": f'ContentType="{files.OOXML_MAIN_PARTS[files.DOCX]}"'.encode(),
            "word/document.xml": b"0" * (20 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100_000
    with pytest.raises(DomainError):
        files.check_upload(upload("pommi.docx", bomb))


def test_empty_and_oversize_files_are_refused(app):
    with pytest.raises(DomainError, match="empty"):
        files.check_upload(upload("tyhja.pdf", b""))
    with pytest.raises(DomainError, match="too large"):
        files.check_upload(upload("iso.pdf", PDF + b"0" * 2000), max_size=1000)
    assert app.config["ASSIGNMENT_MAX_FILE_SIZE"] == 20 * 1024 * 1024
    assert app.config["ASSIGNMENT_MAX_FILES"] == 10


@pytest.mark.parametrize(
    ("given", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anna\\raportti.pdf", "raportti.pdf"),
        ("rap\x00ort\x1bti\u202e.pdf", "raportti.pdf"),
        ("Hankintasuunnitelma – Pori 2026.pdf", "Hankintasuunnitelma – Pori 2026.pdf"),
        ("ÅÄÖ.pdf", "ÅÄÖ.pdf"),
        ("", "file"),
        ("...", "file"),
        ('a"b<c>.pdf', "abc.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(given, clean):
    assert files.clean_filename(given) == clean


def test_same_content_is_stored_once(make, course):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    services.add_files(user, submission, [upload("a.pdf"), upload("b.pdf")])
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 1
    row = db.session.scalar(sa.select(StoredFile))
    assert storage.path_of(row.sha256).read_bytes() == PDF
    assert row.content_type == files.PDF


def test_a_concurrent_insert_of_the_same_content_reuses_the_winners_row(make, course, monkeypatch):
    """The unique sha256 refuses the loser's row inside a savepoint; it takes the winner's."""
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    real_scalar = db.session.scalar
    calls = {"n": 0}

    def scalar(statement, *args, **kwargs):
        # The first look-up misses (the winner has not committed yet), then the winner's row
        # appears, inserted behind our back.
        if "stored_files" in str(statement) and calls["n"] == 0:
            calls["n"] += 1
            sha256 = files._digest(io.BytesIO(PDF))
            db.session.execute(
                sa.insert(StoredFile).values(sha256=sha256, size=len(PDF), content_type=files.PDF)
            )
            return None
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", scalar)
    try:
        (added,) = services.add_files(user, submission, [upload()])
    finally:
        monkeypatch.undo()
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 1
    assert added.stored_file_id == db.session.scalar(sa.select(StoredFile.id))


def _store_files() -> set[str]:
    root = storage.path_of("0" * 64).parent.parent
    return {p.name for p in root.glob("??/*")} if root.exists() else set()


def test_a_failed_commit_leaves_no_orphan_file(make, course, monkeypatch):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    db.session.commit()
    before = _store_files()
    content = PDF + b"unique to this test"

    def broken_commit():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError), files.removing_orphans():
        services.add_files(user, submission, [upload("x.pdf", content)])
        monkeypatch.setattr(db.session, "commit", broken_commit)
        db.session.commit()
    monkeypatch.undo()
    assert _store_files() == before
    assert db.session.scalar(sa.select(sa.func.count(SubmissionFile.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0


def test_a_failure_at_flush_after_the_file_is_written_leaves_nothing(make, course, monkeypatch):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    db.session.commit()
    before = _store_files()
    real_store = storage.store_stream

    def store_then_fail(*args, **kwargs):
        result = real_store(*args, **kwargs)
        monkeypatch.setattr(db.session, "flush", _fail)
        return result

    def _fail(*args, **kwargs):
        raise RuntimeError("disk full while writing the row")

    monkeypatch.setattr(storage, "store_stream", store_then_fail)
    with pytest.raises(RuntimeError), files.removing_orphans():
        services.add_files(user, submission, [upload("y.pdf", PDF + b"flush fails")])
        db.session.commit()
    monkeypatch.undo()
    assert _store_files() == before
    assert db.session.scalar(sa.select(sa.func.count(SubmissionFile.id))) == 0


def test_a_file_that_was_already_stored_is_not_removed_after_a_failure(make, course):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    services.add_files(user, submission, [upload()])
    db.session.commit()
    with pytest.raises(DomainError), files.removing_orphans():
        services.add_files(user, submission, [upload("again.pdf"), upload("bad.pdf", PNG)])
    assert storage.path_of(db.session.scalar(sa.select(StoredFile.sha256))).exists()
