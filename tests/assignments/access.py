"""Access cases for the submission routes (the grading routes' cases live in
tests/assignments/access_grading.py and are merged in at the bottom).

The world's cohort follows a programme with an open individual and an open team assignment.
The world's participant has submitted the individual one (with a file) and has a draft file in
the team's submission; another organisation's participant in the same cohort has a submission
of their own, which the world's participant may not see.
"""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from academy.assignments import files, services
from academy.assignments.models import SubmissionFile
from academy.cohorts.models import ScheduleItem
from academy.cohorts.schedule import create_default_schedule, load_timeline
from academy.core.db import utcnow
from academy.extensions import db
from academy.programmes.models import AssignmentKind, AssignmentSpec
from tests.access import Case, cohort_members, cohort_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

LIST = "/cohorts/{cohort_slug}/assignments"
INDIVIDUAL = LIST + "/{assignment_slug}"
TEAM = LIST + "/{team_assignment_slug}"
SUBMISSION = "/cohorts/{cohort_slug}/submissions/{submission_id}"
OTHER = "/cohorts/{cohort_slug}/submissions/{other_submission_id}"
PARTICIPANT = {"anonymous": 302}


def setup(world, make) -> None:
    """Prepare the world once every feature's setup has run (see `_finish`).

    Another feature's setup may pin its own programme version to the world's cohort after this
    one; the assignments are therefore chosen from whatever the cohort follows when the world
    is committed.
    """
    session = db.session()

    def finish(_session):
        _finish(world, make)

    sa.event.listen(session, "before_commit", finish, once=True)


def _team_spec(timeline) -> AssignmentSpec:
    for entry in timeline.modules:
        for assignment in entry.assignments:
            if assignment.spec.kind is AssignmentKind.team:
                return assignment.spec
    module = timeline.modules[0].module
    spec = AssignmentSpec(
        module_id=module.id,
        position=99,
        slug="team-access-work",
        titles={"fi": "Tiimin tehtävä", "en": "Team work"},
        instructions={"fi": "Kirjoittakaa."},
        kind=AssignmentKind.team,
        rubric=[],
        peer_review={},
        default_offsets={"due": 14, "cut_off": 21},
    )
    db.session.add(spec)
    db.session.flush()
    return spec


def _open_now(cohort_id: int, spec_id: int) -> None:
    item = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.cohort_id == cohort_id, ScheduleItem.assignment_spec_id == spec_id
        )
    )
    if item is None:
        item = ScheduleItem(cohort_id=cohort_id, assignment_spec_id=spec_id)
        db.session.add(item)
    now = utcnow()
    item.opens_at = now - timedelta(days=1)
    item.due_at = now + timedelta(days=7)
    item.cut_off_at = now + timedelta(days=14)
    db.session.flush()


def _upload(actor, submission, name="raportti.pdf", content=PDF):
    return services.add_files(actor, submission, [files.Upload(io.BytesIO(content), name)])[0]


def _finish(world, make) -> None:
    cohort = world.cohort
    if cohort.programme_version_id is None:
        version = make.programme_version(modules=2, assignments_per_module=2)
        cohort.programme_version_id = version.id
        db.session.flush()
        create_default_schedule(cohort)
    timeline = load_timeline(cohort)
    # The last individual assignment: the grading cases build their work on the first one.
    individual = [
        a.spec
        for entry in timeline.modules
        for a in entry.assignments
        if a.spec.kind is AssignmentKind.individual
    ][-1]
    team = _team_spec(timeline)
    for spec in (individual, team):
        _open_now(cohort.id, spec.id)
    # services look the assignment up with its module loaded
    individual = services.find_assignment(cohort, individual.slug)
    team = services.find_assignment(cohort, team.slug)

    submission = services.submission_for(world.participant, cohort, individual, create=True)
    services.save_draft(world.participant, submission, "Vastaukseni.", 0)
    _upload(world.participant, submission)
    services.submit(world.participant, submission, submission.draft_revision)
    team_submission = services.submission_for(world.participant, cohort, team, create=True)
    draft_file = _upload(world.participant, team_submission, "luonnos.pdf")

    other = make.participant(cohort)
    other_submission = services.submission_for(other, cohort, individual, create=True)
    services.save_draft(other, other_submission, "Toisen vastaus.", 0)
    services.submit(other, other_submission, other_submission.draft_revision)

    extension = services.grant_extension(
        world.coordinator,
        cohort,
        individual,
        user=world.participant,
        due_at=utcnow() + timedelta(days=20),
        cut_off_at=utcnow() + timedelta(days=30),
        reason="Sairausloma",
    )
    world.assignment_slug = individual.slug
    world.team_assignment_slug = team.slug
    world.submission_id = submission.id
    world.file_id = db.session.scalar(
        sa.select(SubmissionFile.id).where(
            SubmissionFile.submission_id == submission.id, SubmissionFile.version_id.is_not(None)
        )
    )
    world.draft_file_id = draft_file.id
    world.team_submission_id = team_submission.id
    world.other_submission_id = other_submission.id
    world.extension_id = extension.id
    if _grading_setup is not None:
        _grading_setup(world, make)


CASES = [
    Case("GET", LIST, cohort_members()),
    Case("GET", INDIVIDUAL, cohort_members()),
    Case("GET", TEAM, cohort_members()),
    Case("GET", LIST + "/no-such-assignment", PARTICIPANT),
    # Writes are the participants' own: their draft, their files, their submit.
    Case(
        "POST",
        TEAM + "/draft",
        PARTICIPANT | {"participant": 302},
        {"text": "Uusi", "revision": "0"},
    ),
    Case(
        "POST",
        TEAM + "/submit",
        PARTICIPANT | {"participant": 302},
        {"text": "Valmis", "revision": "0"},
    ),
    # No file chosen: the form is shown again with its error.
    Case("POST", TEAM + "/files", PARTICIPANT | {"participant": 422}),
    Case("POST", TEAM + "/files/{draft_file_id}/delete", PARTICIPANT | {"participant": 302}),
    # The file is in another submission than this assignment's: not found for anyone.
    Case("POST", INDIVIDUAL + "/files/{draft_file_id}/delete", PARTICIPANT),
    Case("GET", SUBMISSION, cohort_members()),
    Case("GET", SUBMISSION + "/files/{file_id}", cohort_members()),
    Case("GET", SUBMISSION + "/files/{draft_file_id}", PARTICIPANT),
    # Another organisation's participant's work: the cohort's staff only.
    Case("GET", OTHER, cohort_staff()),
    # A team's draft file: only the team's members; drafts are private, also from the staff.
    Case(
        "GET",
        "/cohorts/{cohort_slug}/submissions/{team_submission_id}/files/{draft_file_id}",
        PARTICIPANT | {"participant": 200},
    ),
    Case("GET", INDIVIDUAL + "/extensions", cohort_staff()),
    Case("POST", INDIVIDUAL + "/extensions", cohort_staff(422), {"reason": "Sairaus"}),
    Case("POST", INDIVIDUAL + "/extensions/{extension_id}/revoke", cohort_staff(302)),
    Case("POST", TEAM + "/extensions/{extension_id}/revoke", PARTICIPANT),
]

# The grading engineer's cases, when their file exists; written so that this module works
# before and after it does.
try:
    from tests.assignments.access_grading import CASES as _GRADING_CASES
except ImportError:  # pragma: no cover - until the grading cases exist
    _GRADING_CASES = []
try:
    from tests.assignments.access_grading import setup as _grading_setup
except ImportError:  # pragma: no cover
    _grading_setup = None

CASES = [*CASES, *_GRADING_CASES]
