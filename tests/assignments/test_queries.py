"""The submission pages cost a fixed number of queries, however much work they show."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from academy.assignments import files, services
from academy.assignments.models import SubmissionFile, SubmissionStatus
from academy.cohorts.schedule import create_default_schedule
from academy.extensions import db
from tests.assignments.conftest import PDF, SUBMISSION_FIXTURES

pytestmark = SUBMISSION_FIXTURES


def _queries(count_queries, client, url: str) -> int:
    client.get(url)  # warm up
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def _work(make, course, versions: int, files_per_version: int):
    """A participant whose submission has `versions` versions of `files_per_version` files."""
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    for number in range(versions):
        uploads = [
            files.Upload(io.BytesIO(PDF + f"{number}-{n}".encode()), f"liite-{n}.pdf")
            for n in range(files_per_version)
        ]
        existing = db.session.scalars(
            sa.select(SubmissionFile.id).where(
                SubmissionFile.submission_id == submission.id,
                SubmissionFile.version_id.is_(None),
            )
        ).all()
        for file_id in existing:
            services.remove_file(user, submission, file_id)
        services.add_files(user, submission, uploads)
        services.save_draft(user, submission, f"Versio {number}", submission.draft_revision)
        services.submit(user, submission, submission.draft_revision)
        if number < versions - 1:
            submission.status = SubmissionStatus.returned
            db.session.flush()
    db.session.commit()
    return user, submission


@pytest.mark.parametrize(("small", "large"), [((1, 1), (8, 1)), ((1, 1), (1, 10))])
def test_assignment_page_queries_do_not_grow_with_versions_or_files(
    make, login, app, count_queries, course, small, large
):
    counts = []
    for versions, per_version in (small, large):
        user, submission = _work(make, course, versions, per_version)
        client = app.test_client()
        login(user, c=client)
        page = f"/cohorts/{course.cohort.slug}/assignments/{course.individual.slug}"
        counts.append(_queries(count_queries, client, page))
        counts.append(
            _queries(
                count_queries, client, f"/cohorts/{course.cohort.slug}/submissions/{submission.id}"
            )
        )
    assert counts[0:2] == counts[2:4]


@pytest.mark.parametrize("role", ["participant", "trainer"])
def test_assignment_list_queries_do_not_grow_with_the_programme(make, login, app, count_queries,
                                                                role):  # fmt: skip
    counts = []
    for modules in (2, 8):
        version = make.programme_version(modules=modules, assignments_per_module=2)
        cohort = make.cohort(programme_version_id=version.id)
        create_default_schedule(cohort)
        user = make.participant(cohort) if role == "participant" else make.trainer(cohort)
        if role == "participant":
            for spec_slug in ("assignment-1-1", "assignment-2-1"):
                spec = services.find_assignment(cohort, spec_slug)
                services.submission_for(user, cohort, spec, True)
        client = app.test_client()
        login(user, c=client)
        counts.append(_queries(count_queries, client, f"/cohorts/{cohort.slug}/assignments"))
    assert counts[0] == counts[1]
