"""The command line submits through the same services: the same dates, the same checks."""

from __future__ import annotations

import sqlalchemy as sa

from academy.assignments.cli import assignments_cli
from academy.assignments.models import SubmissionVersion
from academy.extensions import db
from tests.assignments.conftest import PDF, SUBMISSION_FIXTURES

pytestmark = SUBMISSION_FIXTURES


def _run(app, *args):
    return app.test_cli_runner().invoke(assignments_cli, list(args))


def test_cli_submits_text_and_files(app, make, course, tmp_path):
    user = make.participant(course.cohort)
    db.session.commit()
    (tmp_path / "vastaus.md").write_text("Vastaus komentoriviltä.", "utf-8")
    (tmp_path / "liite.pdf").write_bytes(PDF)
    result = _run(
        app, "submit", user.email, course.cohort.slug, course.individual.slug,
        "--text-file", str(tmp_path / "vastaus.md"), "--file", str(tmp_path / "liite.pdf"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Submitted version 1." in result.output
    assert db.session.scalar(sa.select(SubmissionVersion.text)) == "Vastaus komentoriviltä."


def test_cli_cannot_skip_the_cut_off(app, make, course, tmp_path):
    user = make.participant(course.cohort)
    course.set_dates(course.individual, opens=-5, due=-2, cut_off=-1)
    db.session.commit()
    (tmp_path / "vastaus.md").write_text("Myöhässä.", "utf-8")
    result = _run(
        app, "submit", user.email, course.cohort.slug, course.individual.slug,
        "--text-file", str(tmp_path / "vastaus.md"),
    )  # fmt: skip
    assert result.exit_code != 0
    assert "cut-off" in result.output
    assert db.session.scalar(sa.select(sa.func.count(SubmissionVersion.id))) == 0
