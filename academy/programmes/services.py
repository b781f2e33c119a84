"""Programmes: importing curricula as immutable versions, and moving cohorts between versions.

Services flush and never commit; the caller (a view, a CLI command, a test) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import orm

from academy.core.errors import DomainError
from academy.core.storage import path_of as attachment_path  # noqa: F401 - re-exported
from academy.core.storage import store_file
from academy.extensions import db
from academy.programmes import schema
from academy.programmes.loader import Curriculum, ModuleSource, Problem, validate
from academy.programmes.models import (
    AssignmentKind,
    AssignmentSpec,
    Module,
    Programme,
    ProgrammeVersion,
)


class CurriculumInvalid(DomainError):
    """The curriculum has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        super().__init__(
            lazy_ngettext(
                "The curriculum has %(num)d problem.",
                "The curriculum has %(num)d problems.",
                len(problems),
            )
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """The version a curriculum is stored as, and whether this import created it."""

    version: ProgrammeVersion
    created: bool


# --- import -----------------------------------------------------------------------------------


def import_curriculum(path: str | Path) -> ImportResult:
    """Validate a curriculum folder and store it as a new programme version.

    The same content (by hash) is never stored twice: importing it again returns the existing
    version with `created=False`. An invalid curriculum raises CurriculumInvalid and changes
    nothing. Attachments are written to the upload store before the rows; if the transaction
    is rolled back they stay as unreferenced files for the storage cleanup.
    """
    curriculum, problems = validate(path)
    if curriculum is None:
        raise CurriculumInvalid(problems)

    existing = db.session.scalar(
        sa.select(ProgrammeVersion)
        .where(ProgrammeVersion.content_hash == curriculum.content_hash)
        .options(
            orm.joinedload(ProgrammeVersion.programme), orm.selectinload(ProgrammeVersion.modules)
        )
    )
    if existing is not None:
        return ImportResult(existing, created=False)

    spec = curriculum.programme
    programme = db.session.scalar(sa.select(Programme).where(Programme.slug == spec.slug))
    if programme is None:
        programme = Programme(slug=spec.slug)
        db.session.add(programme)
    programme.titles = schema.texts(spec.title)
    latest = db.session.scalar(
        sa.select(sa.func.max(ProgrammeVersion.number)).where(
            ProgrammeVersion.programme_id == programme.id
        )
    )
    stored = _store_attachments(curriculum)
    version = ProgrammeVersion(
        programme=programme,
        number=(latest or 0) + 1,
        content_hash=curriculum.content_hash,
        titles=schema.texts(spec.title),
        descriptions=schema.texts(spec.description),
        completion_rule=spec.completion.model_dump(),
        target_states=_target_states(curriculum.target_states),
        modules=[_module(source, stored) for source in curriculum.modules],
    )
    db.session.add(version)
    db.session.flush()
    return ImportResult(version, created=True)


def _target_states(data: schema.TargetStates | None) -> dict:
    """target-states.yaml as the plain data a version keeps (see ProgrammeVersion)."""
    if data is None:
        return {}
    return {
        "source": {"titles": schema.texts(data.source.title), "url": data.source.url},
        "states": [
            {
                "key": state.key,
                "position": position,
                "labels": schema.texts(state.label),
                "statements": schema.texts(state.statement),
            }
            for position, state in enumerate(data.target_states, start=1)
        ],
    }


def _store_attachments(curriculum: Curriculum) -> dict[str, str]:
    """Attachment file name → sha256, for the attachments some module links to."""
    used = set().union(*(module.attachments for module in curriculum.modules))
    return {
        name: store_file(path.read_bytes())
        for name, path in curriculum.attachments.items()
        if name in used
    }


def _module(source: ModuleSource, stored: dict[str, str]) -> Module:
    front = source.front
    return Module(
        position=source.position,
        slug=source.slug,
        titles=schema.texts(front.title),
        summaries=schema.texts(front.summary),
        bodies=dict(source.bodies),
        objectives=schema.texts(front.objectives),
        estimated_hours=front.estimated_hours,
        opens_after_days=front.opens_after_days,
        attachments={name: stored[name] for name in sorted(source.attachments)},
        assignments=[
            _assignment(position, assignment)
            for position, assignment in enumerate(front.assignments, start=1)
        ],
    )


def _assignment(position: int, spec: schema.Assignment) -> AssignmentSpec:
    offsets = {"due": spec.due_after_days, "cut_off": spec.cut_off_after_days}
    if spec.review_due_after_days is not None:
        offsets["review_due"] = spec.review_due_after_days
    peer_review = {}
    if spec.peer_review is not None:
        peer_review = {
            "reviews_per_submission": spec.peer_review.reviews_per_submission,
            "anonymous": spec.peer_review.anonymous,
            "other_organisations_only": spec.peer_review.other_organisations_only,
            "required": spec.peer_review.required,
            "rubric": spec.peer_review_criteria(),
        }
    return AssignmentSpec(
        position=position,
        slug=spec.slug,
        titles=schema.texts(spec.title),
        instructions=schema.texts(spec.instructions),
        kind=AssignmentKind(spec.kind),
        required=spec.required,
        rubric=[
            {
                "slug": criterion.slug,
                "titles": schema.texts(criterion.title),
                "levels": [
                    {
                        "slug": level.slug,
                        "points": level.points,
                        "titles": schema.texts(level.title),
                        "descriptions": schema.texts(level.description),
                    }
                    for level in criterion.levels
                ],
            }
            for criterion in spec.rubric
        ],
        peer_review=peer_review,
        default_offsets=offsets,
    )


# --- moving a cohort --------------------------------------------------------------------------


@dataclass
class MoveResult:
    """What happened to a cohort's schedule when it moved to another version (slugs)."""

    #: modules and assignments not in the new version; their schedule items were deleted
    dropped_modules: list[str] = field(default_factory=list)
    dropped_assignments: list[str] = field(default_factory=list)
    #: modules and assignments new in this version; they have no schedule items yet
    added_modules: list[str] = field(default_factory=list)
    added_assignments: list[str] = field(default_factory=list)


def _used_assignment_slugs(cohort) -> set[str]:
    """Slugs of the assignments that already hold participants' work in this cohort (a
    submission, even a draft), so that `move_cohort` refuses to drop them."""
    from academy.assignments.models import Submission

    return set(
        db.session.scalars(
            sa.select(AssignmentSpec.slug)
            .join(Submission, Submission.assignment_spec_id == AssignmentSpec.id)
            .where(Submission.cohort_id == cohort.id)
            .distinct()
        )
    )


def _version_with_modules(version_id: int) -> ProgrammeVersion:
    return db.session.scalars(
        sa.select(ProgrammeVersion)
        .where(ProgrammeVersion.id == version_id)
        .options(orm.selectinload(ProgrammeVersion.modules).selectinload(Module.assignments))
    ).one()


def move_cohort(actor, cohort, version: ProgrammeVersion) -> MoveResult:
    """Move a cohort to another version of the same programme (coordinators only).

    Schedule items and module completions follow their module or assignment by slug. The move
    is refused when a module that participants have completed, or an assignment that holds
    their work, is missing from the new version; schedule items of other missing modules and
    assignments are deleted. New modules and assignments are left for the schedule to fill in.
    """
    # Imported here: cohorts and learning sit above programmes in the dependency order.
    from academy.cohorts.models import Membership, ScheduleItem
    from academy.core.access import can_manage_cohort
    from academy.learning.models import ModuleCompletion

    if not can_manage_cohort(actor, cohort):
        raise DomainError(_l("Only a coordinator may change a cohort's programme version."))
    new = _version_with_modules(version.id)
    if cohort.programme_version_id == new.id:
        return MoveResult()
    if cohort.programme_version_id is None:
        cohort.programme_version_id = new.id
        db.session.flush()
        return MoveResult(
            added_modules=[m.slug for m in new.modules],
            added_assignments=[a.slug for m in new.modules for a in m.assignments],
        )
    old = _version_with_modules(cohort.programme_version_id)
    if old.programme_id != new.programme_id:
        raise DomainError(
            _l("A cohort can move only to another version of its own programme."),
            field="programme_version",
        )

    old_modules = {module.slug: module for module in old.modules}
    new_modules = {module.slug: module for module in new.modules}
    old_assignments = {a.slug: a for module in old.modules for a in module.assignments}
    new_assignments = {a.slug: a for module in new.modules for a in module.assignments}
    dropped_modules = [m for slug, m in old_modules.items() if slug not in new_modules]
    dropped_assignments = {slug for slug in old_assignments if slug not in new_assignments}
    in_cohort = sa.select(Membership.id).where(Membership.cohort_id == cohort.id)

    if dropped_modules:
        completed = db.session.scalars(
            sa.select(Module.slug)
            .join(ModuleCompletion, ModuleCompletion.module_id == Module.id)
            .where(
                ModuleCompletion.membership_id.in_(in_cohort),
                Module.id.in_([m.id for m in dropped_modules]),
            )
            .distinct()
        ).all()
        if completed:
            raise DomainError(
                _l(
                    "Participants have completed modules that the new version does not have: "
                    "%(modules)s.",
                    modules=", ".join(sorted(completed)),
                ),
                field="programme_version",
            )
    in_use = _used_assignment_slugs(cohort) & dropped_assignments
    if in_use:
        raise DomainError(
            _l(
                "Participants have worked on assignments that the new version does not have: "
                "%(assignments)s.",
                assignments=", ".join(sorted(in_use)),
            ),
            field="programme_version",
        )

    module_ids = {m.id: new_modules[m.slug].id for m in old.modules if m.slug in new_modules}
    assignment_ids = {
        a.id: new_assignments[a.slug].id
        for a in old_assignments.values()
        if a.slug in new_assignments
    }
    for old_id, new_id in module_ids.items():
        db.session.execute(
            sa.update(ModuleCompletion)
            .where(
                ModuleCompletion.module_id == old_id,
                ModuleCompletion.membership_id.in_(in_cohort),
            )
            .values(module_id=new_id)
            .execution_options(synchronize_session=False)
        )
    # Submissions (and extensions) follow their assignment by slug, as schedule items do.
    from academy.assignments.models import Extension, Submission

    for old_id, new_id in assignment_ids.items():
        for model in (Submission, Extension):
            db.session.execute(
                sa.update(model)
                .where(model.cohort_id == cohort.id, model.assignment_spec_id == old_id)
                .values(assignment_spec_id=new_id)
                .execution_options(synchronize_session=False)
            )
    items = db.session.scalars(sa.select(ScheduleItem).where(ScheduleItem.cohort_id == cohort.id))
    for item in items:
        if item.module_id is not None:
            if item.module_id in module_ids:
                item.module_id = module_ids[item.module_id]
            else:
                db.session.delete(item)
        elif item.assignment_spec_id in assignment_ids:
            item.assignment_spec_id = assignment_ids[item.assignment_spec_id]
        else:
            db.session.delete(item)
    cohort.programme_version_id = new.id
    db.session.flush()
    return MoveResult(
        dropped_modules=sorted(m.slug for m in dropped_modules),
        dropped_assignments=sorted(dropped_assignments),
        added_modules=sorted(set(new_modules) - set(old_modules)),
        added_assignments=sorted(set(new_assignments) - set(old_assignments)),
    )
