"""Importing a curriculum: versions, modules, assignments and attachments as stored."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from academy.extensions import db
from academy.programmes.models import AssignmentKind, Module, Programme, ProgrammeVersion
from academy.programmes.services import (
    CurriculumInvalid,
    attachment_path,
    import_curriculum,
    store_file,
)

M2 = "modules/02-impact-goals.md"
CSV = b"kysymys;vastaus\nKypsyys;3\n"


def stored_version(number: int = 1) -> ProgrammeVersion:
    return db.session.scalars(
        sa.select(ProgrammeVersion)
        .where(ProgrammeVersion.number == number)
        .options(
            orm.joinedload(ProgrammeVersion.programme),
            orm.selectinload(ProgrammeVersion.modules).selectinload(Module.assignments),
        )
    ).one()


def test_import_stores_programme_version_modules_and_assignments(curriculum):
    result = import_curriculum(curriculum)
    assert result.created
    content_hash = result.version.content_hash
    db.session.commit()
    db.session.expunge_all()

    version = stored_version()
    assert version.programme.slug == "test-academy"
    assert version.programme.titles == {
        "fi": "Testiakatemia",
        "sv": "Testakademin",
        "en": "Test Academy",
    }
    assert version.titles == version.programme.titles
    assert version.descriptions["en"] == "A **test programme** for procurement units.\n"
    assert version.completion_rule == {"modules": "all", "required_assignments": "accepted"}
    assert version.content_hash == content_hash

    kick_off, impact = version.modules
    assert (kick_off.position, kick_off.slug) == (1, "kick-off")
    assert kick_off.titles["sv"] == "Start"
    assert kick_off.summaries["en"] == "We get to know the programme."
    assert set(kick_off.bodies) == {"fi", "sv"}
    assert kick_off.bodies["fi"].startswith("# Tervetuloa")
    assert kick_off.bodies["sv"].startswith("# Välkommen")
    assert kick_off.objectives == {
        "fi": ["Tunnet ohjelman rakenteen", "Tunnet oman lähtötasosi"],
        "en": ["You know the structure of the programme"],
    }
    assert kick_off.estimated_hours == 4
    assert (impact.estimated_hours, impact.opens_after_days) == (6.5, 14)
    assert kick_off.attachments == {"self-assessment.csv": hashlib.sha256(CSV).hexdigest()}
    assert impact.attachments == {}

    (baseline,) = kick_off.assignments
    assert baseline.slug == "maturity-baseline"
    assert baseline.kind is AssignmentKind.team
    assert baseline.required is True
    assert baseline.instructions["fi"].startswith("Täyttäkää [itsearviointipohja]")
    assert baseline.peer_review == {}
    assert baseline.default_offsets == {"due": 14, "cut_off": 28}
    assert baseline.rubric[0]["slug"] == "analysis"
    assert baseline.rubric[0]["titles"]["en"] == "Analysis"
    assert baseline.rubric[0]["levels"][2] == {
        "slug": "exemplary",
        "points": 3,
        "titles": {"fi": "Erinomainen", "sv": "Utmärkt", "en": "Exemplary"},
        "descriptions": {"fi": "Syvällinen."},
    }

    plan, reflection = impact.assignments
    assert [plan.position, reflection.position] == [1, 2]
    assert plan.kind is AssignmentKind.individual
    assert plan.instructions == {"fi": "Kirjoita suunnitelma.", "en": "Write a plan."}
    assert plan.default_offsets == {"due": 14, "review_due": 21, "cut_off": 28}
    assert plan.peer_review == {
        "reviews_per_submission": 2,
        "anonymous": True,
        "other_organisations_only": True,
        "required": True,
        "rubric": ["goals"],
    }
    assert reflection.required is False


def test_peer_review_without_rubric_uses_every_criterion(curriculum):
    curriculum.replace(M2, "      rubric: [goals]\n", "")

    version = import_curriculum(curriculum).version

    plan = version.modules[1].assignments[0]
    assert plan.peer_review["rubric"] == ["goals", "measures"]


def test_attachments_are_stored_by_content_hash(curriculum):
    version = import_curriculum(curriculum).version

    digest = version.modules[0].attachments["self-assessment.csv"]
    path = attachment_path(digest)
    assert path.read_bytes() == CSV
    assert path.name == digest
    assert not list(path.parent.glob(".tmp-*"))


def test_store_file_writes_each_content_once(app):
    first = store_file(b"sama sisalto")
    second = store_file(b"sama sisalto")

    assert first == second == hashlib.sha256(b"sama sisalto").hexdigest()
    assert attachment_path(first).read_bytes() == b"sama sisalto"


def test_attachment_path_refuses_anything_but_a_digest():
    with pytest.raises(ValueError):
        attachment_path("../../etc/passwd")


def test_importing_the_same_content_twice_changes_nothing(curriculum):
    first = import_curriculum(curriculum)
    db.session.commit()

    second = import_curriculum(curriculum)

    assert second.created is False
    assert second.version.id == first.version.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeVersion)) == 1


def test_an_edited_curriculum_becomes_version_2(curriculum):
    import_curriculum(curriculum)
    db.session.commit()
    curriculum.replace(M2, "Tavoitteet ohjaavat hankintaa.", "Tavoitteet ohjaavat kaikkea.")
    curriculum.replace("programme.yaml", 'en: "Test Academy"', 'en: "The Test Academy"')

    result = import_curriculum(curriculum)
    assert result.created
    assert result.version.number == 2
    db.session.commit()
    db.session.expunge_all()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 1
    first, second = stored_version(1), stored_version(2)
    assert first.programme_id == second.programme_id
    assert first.modules[1].bodies["fi"].endswith("ohjaavat hankintaa.")
    assert second.modules[1].bodies["fi"].endswith("ohjaavat kaikkea.")
    assert second.programme.titles["en"] == "The Test Academy"
    assert first.content_hash != second.content_hash


def test_an_invalid_curriculum_imports_nothing(curriculum, app):
    curriculum.replace(M2, "Tavoitteet ohjaavat hankintaa.\n", "<script>alert(1)</script>\n")

    with pytest.raises(CurriculumInvalid) as raised:
        import_curriculum(curriculum)

    assert [p.message for p in raised.value.problems] == [
        "raw HTML is not allowed in Markdown: <script>alert(1)</script>"
    ]
    db.session.rollback()
    for model in (Programme, ProgrammeVersion, Module):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
