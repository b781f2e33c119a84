"""`academy curriculum validate | import | list`."""

from __future__ import annotations

import sqlalchemy as sa

from academy.extensions import db
from academy.programmes.models import Programme, ProgrammeVersion

M2 = "modules/02-impact-goals.md"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["curriculum", *args])


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_validate_prints_a_summary_for_a_valid_curriculum(app, trilingual):
    result = run(app, "validate", str(trilingual.root))

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "parity-academy: valid — 1 module, 1 assignment, 1 attachment, 2 target states\n"
    )
    assert result.stderr == ""


def test_validate_prints_warnings_and_still_passes(app, curriculum):
    """The test curriculum declares no languages: both are partial, and its untranslated texts
    are warnings."""
    result = run(app, "validate", str(curriculum.root))

    assert result.exit_code == 0, result.output
    *warnings, summary = result.stdout.splitlines()
    assert summary == "test-academy: valid — 2 modules, 3 assignments, 1 attachment"
    assert (
        f"test-academy/{M2}:{curriculum.line_of(M2, '# Vaikuttavuus')}: warning: no Swedish "
        "body: modules/02-impact-goals.sv.md is missing"
    ) in warnings
    assert all(": warning: " in line for line in warnings)
    assert f"{len(warnings)} warnings." in result.stderr


def test_validate_fails_on_a_text_missing_in_a_complete_language(app, trilingual):
    trilingual.file("modules/01-goals.en.md").unlink()

    result = run(app, "validate", str(trilingual.root))

    assert result.exit_code == 1
    line = trilingual.line_of("modules/01-goals.md", "# Tavoitteet")
    assert result.stdout == (
        f"parity-academy/modules/01-goals.md:{line}: no English body: "
        "modules/01-goals.en.md is missing\n"
    )
    assert "1 problem found." in result.stderr


def test_validate_prints_each_problem_and_fails(app, curriculum):
    curriculum.replace(M2, "slug: reflection", "slug: maturity-baseline")
    curriculum.replace(M2, "Tavoitteet ohjaavat hankintaa.", "[x](javascript:alert(1))")
    slug_line = curriculum.line_of(M2, "slug: maturity-baseline")
    link_line = curriculum.line_of(M2, "javascript:")

    result = run(app, "validate", str(curriculum.root))

    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    assert errors == [
        f"test-academy/{M2}:{slug_line}: assignment slug 'maturity-baseline' is used twice in "
        "the programme (also in modules/01-kick-off.md)",
        f"test-academy/{M2}:{link_line}: javascript: URLs are not allowed: javascript:alert(1)",
    ]
    assert "2 problems found." in result.stderr


def test_import_imports_once_then_reports_unchanged(app, curriculum):
    first = run(app, "import", str(curriculum.root))
    second = run(app, "import", str(curriculum.root))

    assert first.exit_code == 0, first.output
    assert first.stdout == "imported test-academy version 1 (2 modules)\n"
    assert second.exit_code == 0, second.output
    content_hash = db.session.scalars(sa.select(ProgrammeVersion.content_hash)).one()
    assert second.stdout == (
        f"test-academy is unchanged (version 1, sha256 {content_hash[:12]}…); nothing imported\n"
    )
    assert count(ProgrammeVersion) == 1


def test_import_of_an_edited_curriculum_makes_version_2(app, curriculum):
    run(app, "import", str(curriculum.root))
    curriculum.replace(M2, "estimated_hours: 6.5", "estimated_hours: 7")

    result = run(app, "import", str(curriculum.root))

    assert result.stdout == "imported test-academy version 2 (2 modules)\n"
    assert count(ProgrammeVersion) == 2


def test_import_of_an_invalid_curriculum_prints_problems_and_changes_nothing(app, curriculum):
    curriculum.replace(M2, "Tavoitteet ohjaavat hankintaa.\n", "<script>alert(1)</script>\n")

    result = run(app, "import", str(curriculum.root))

    assert result.exit_code == 1
    line = curriculum.line_of(M2, "<script>")
    assert result.stdout == (
        f"test-academy/{M2}:{line}: raw HTML is not allowed in Markdown: "
        "<script>alert(1)</script>\n"
    )
    assert count(Programme) == count(ProgrammeVersion) == 0


def test_list_shows_versions_and_the_cohorts_that_use_them(app, curriculum, make):
    run(app, "import", str(curriculum.root))
    curriculum.replace(M2, "estimated_hours: 6.5", "estimated_hours: 7")
    run(app, "import", str(curriculum.root))
    first = db.session.scalars(
        sa.select(ProgrammeVersion).where(ProgrammeVersion.number == 1)
    ).one()
    make.cohort(slug="keino-2026-autumn", programme_version_id=first.id)
    make.cohort(slug="keino-2026-spring", programme_version_id=first.id)
    db.session.commit()

    lines = run(app, "list").stdout.splitlines()

    assert lines[0] == "test-academy"
    assert lines[1].startswith("  version 1 ")
    assert lines[1].endswith("keino-2026-autumn, keino-2026-spring")
    assert lines[2].startswith("  version 2 ")
    assert lines[2].endswith("no cohorts")


def test_list_says_when_nothing_is_imported(app):
    assert run(app, "list").stdout == "No programmes imported yet.\n"
