"""Participants' submission pages: the list of assignments, an assignment with its draft and
versions, uploads and downloads, and the trainers' extensions page."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import orm

from academy.accounts.models import User
from academy.assignments import files, services
from academy.assignments.access import (
    EDITABLE,
    can_view_submission,
    is_author,
    own_submissions_filter,
)
from academy.assignments.forms import ActionForm, DraftForm, ExtensionForm, UploadForm
from academy.assignments.models import (
    Assessment,
    Extension,
    FeedbackFile,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)
from academy.assignments.views import bp
from academy.cohorts import schedule
from academy.cohorts.models import Cohort, Membership, Role
from academy.core import markdown, storage
from academy.core.access import is_trainer_in, membership_in
from academy.core.db import utcnow
from academy.core.errors import DomainError, NotFound, apply_to_form
from academy.core.i18n import current_locale
from academy.extensions import db
from academy.learning.services import localised_text
from academy.organisations.models import Organisation
from academy.programmes.models import AssignmentKind, AssignmentSpec, Module, localised

# Loading ----------------------------------------------------------------------------------


def _load_cohort(slug: str) -> tuple[Cohort, Membership | None]:
    """The cohort and the viewer's membership; 404 unless a member or a coordinator."""
    cohort = db.session.scalar(
        sa.select(Cohort).where(Cohort.slug == slug).options(orm.raiseload("*"))
    )
    if cohort is None:
        abort(404)
    membership = membership_in(current_user, cohort.id)
    if membership is None and not current_user.is_coordinator:
        abort(404)
    return cohort, membership


def _load_assignment(slug: str, assignment_slug: str):
    cohort, membership = _load_cohort(slug)
    spec = services.find_assignment(cohort, assignment_slug)
    if spec is None:
        abort(404)
    return cohort, membership, spec


def _is_participant(membership: Membership | None) -> bool:
    return membership is not None and membership.role is Role.participant


def _participant_only(membership: Membership | None) -> Membership:
    """Writes to a submission are for the cohort's participants; for anyone else 404."""
    if not _is_participant(membership):
        abort(404)
    return membership


def _own_submission(cohort, spec, create: bool = False) -> Submission | None:
    try:
        return services.submission_for(current_user, cohort, spec, create=create)
    except DomainError:
        abort(404)


@dataclass
class SubmissionView:
    """What a page shows of one submission, loaded in a fixed number of queries."""

    submission: Submission
    versions: list[SubmissionVersion]
    draft_files: list[SubmissionFile]
    #: released assessments only: participants never see one before it is released
    assessments: list[Assessment]
    draft_saved_by: User | None


def _submission_view(submission_id: int) -> SubmissionView:
    submission = db.session.scalars(
        sa.select(Submission)
        .where(Submission.id == submission_id)
        .options(
            orm.joinedload(Submission.draft_saved_by).raiseload("*"),
            orm.joinedload(Submission.author).raiseload("*"),
            orm.joinedload(Submission.organisation).raiseload("*"),
            orm.raiseload("*"),
        )
        .execution_options(populate_existing=True)
    ).one()
    versions = list(
        db.session.scalars(
            sa.select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission_id)
            .order_by(SubmissionVersion.number.desc())
            .options(
                orm.joinedload(SubmissionVersion.submitted_by).raiseload("*"),
                orm.selectinload(SubmissionVersion.files)
                .joinedload(SubmissionFile.stored_file)
                .raiseload("*"),
                orm.raiseload("*"),
            )
        )
    )
    draft_files = list(
        db.session.scalars(
            sa.select(SubmissionFile)
            .where(
                SubmissionFile.submission_id == submission_id,
                SubmissionFile.version_id.is_(None),
            )
            .order_by(SubmissionFile.id)
            .options(orm.joinedload(SubmissionFile.stored_file), orm.raiseload("*"))
        )
    )
    assessments = list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.submission_id == submission_id, Assessment.released_at.is_not(None))
            .order_by(Assessment.released_at)
            .options(
                orm.joinedload(Assessment.assessor).raiseload("*"),
                orm.selectinload(Assessment.files)
                .joinedload(FeedbackFile.stored_file)
                .raiseload("*"),
                orm.raiseload("*"),
            )
        )
    )
    return SubmissionView(submission, versions, draft_files, assessments, submission.draft_saved_by)


def _rubric(spec: AssignmentSpec, locale: str) -> list[dict]:
    """The rubric as plain dicts in the reader's language."""
    return [
        {
            "slug": criterion.get("slug", ""),
            "title": localised(criterion.get("titles"), locale),
            "levels": [
                {
                    "title": localised(level.get("titles"), locale),
                    "points": level.get("points"),
                    "description": localised(level.get("descriptions"), locale),
                }
                for level in criterion.get("levels", [])
            ],
        }
        for criterion in (spec.rubric or [])
    ]


@bp.app_template_filter("submission_markdown")
def submission_markdown(text: str | None):
    """A participant's Markdown as safe HTML (raw HTML shows as text; links are cleaned)."""
    return markdown.render(text, heading_offset=3)  # under the version's h3


# Pages ------------------------------------------------------------------------------------


@bp.get("/cohorts/<slug>/assignments")
@login_required
def index(slug: str):
    """The cohort's assignments; for a participant with the state of their own work."""
    cohort, membership = _load_cohort(slug)
    timeline = schedule.load_timeline(cohort)
    participant = _is_participant(membership)
    submissions: dict[int, Submission] = {}
    extensions: dict[int, Extension] = {}
    latest: dict[int, SubmissionVersion] = {}
    if participant and timeline is not None:
        submissions = {
            s.assignment_spec_id: s
            for s in db.session.scalars(
                sa.select(Submission)
                .where(own_submissions_filter(membership))
                .options(orm.raiseload("*"))
            )
        }
        extensions = {
            e.assignment_spec_id: e
            for e in db.session.scalars(
                sa.select(Extension).where(
                    Extension.cohort_id == cohort.id,
                    sa.or_(
                        Extension.user_id == membership.user_id,
                        Extension.organisation_id == membership.organisation_id,
                    ),
                )
            )
        }
        newest = (
            sa.select(
                SubmissionVersion.submission_id,
                sa.func.max(SubmissionVersion.number).label("number"),
            )
            .where(SubmissionVersion.submission_id.in_([s.id for s in submissions.values()]))
            .group_by(SubmissionVersion.submission_id)
            .subquery()
        )
        latest = {
            v.submission_id: v
            for v in db.session.scalars(
                sa.select(SubmissionVersion)
                .join(
                    newest,
                    sa.and_(
                        newest.c.submission_id == SubmissionVersion.submission_id,
                        newest.c.number == SubmissionVersion.number,
                    ),
                )
                .options(orm.raiseload("*"))
            )
        }
    now = utcnow()
    rows = []
    for entry in timeline.modules if timeline else []:
        for assignment in entry.assignments:
            spec = assignment.spec
            extension = extensions.get(spec.id)
            # an extension for a team assignment is the team's, for an individual one the person's
            if extension is not None and (extension.organisation_id is not None) != (
                spec.kind is AssignmentKind.team
            ):
                extension = None
            submission = submissions.get(spec.id)
            rows.append(
                {
                    "module": entry.module,
                    "spec": spec,
                    "dates": services.dates_of(assignment.item, extension),
                    "submission": submission,
                    "latest": latest.get(submission.id) if submission else None,
                }
            )
    return render_template(
        "assignments/submission_list.html",
        cohort=cohort,
        rows=rows,
        participant=participant,
        is_staff=is_trainer_in(current_user, cohort),
        now=now,
    )


def _render_assignment(
    cohort: Cohort,
    membership: Membership | None,
    spec: AssignmentSpec,
    *,
    draft_form: DraftForm | None = None,
    upload_form: UploadForm | None = None,
    conflict: services.DraftConflict | None = None,
    message: str | None = None,
    status: int = 200,
):
    locale = current_locale()
    participant = _is_participant(membership)
    dates = services.effective_dates(cohort.id, spec, membership)
    now = utcnow()
    view = None
    submission = _own_submission(cohort, spec) if participant else None
    if submission is not None:
        view = _submission_view(submission.id)
    editable = (
        participant
        and (submission is None or submission.status in EDITABLE)
        and dates.is_open(now)
        and not dates.is_closed(now)
    )
    if draft_form is None:
        draft_form = DraftForm(
            formdata=None,
            text=submission.draft_text if submission else "",
            revision=submission.draft_revision if submission else 0,
        )
    if conflict is not None:
        # Saving again now means: "I have seen their text; mine replaces it."
        draft_form.revision.data = conflict.revision
        draft_form.revision.raw_data = None
    instructions = localised_text(spec.instructions, locale)
    # loaded afresh: after a rollback the eager-loaded module is gone with the session state
    module = db.session.get(Module, spec.module_id)
    # Instructions link to their module's files ("attachments/x.csv"), served by the module.
    link_base = url_for(
        "learning.attachment", slug=cohort.slug, module_slug=module.slug, name="x"
    ).removesuffix("x")
    return render_template(
        "assignments/submission.html",
        cohort=cohort,
        spec=spec,
        module=module,
        instructions=instructions,
        instructions_html=markdown.render(instructions.text, link_base, heading_offset=2),
        rubric=_rubric(spec, locale),
        dates=dates,
        now=now,
        participant=participant,
        is_staff=is_trainer_in(current_user, cohort),
        view=view,
        assessments=view.assessments if view else [],
        editable=editable,
        draft_form=draft_form,
        upload_form=upload_form or UploadForm(formdata=None),
        action_form=ActionForm(formdata=None),
        conflict=conflict,
        message=message,
        max_files=current_app.config["ASSIGNMENT_MAX_FILES"],
        max_file_mb=current_app.config["ASSIGNMENT_MAX_FILE_SIZE"] // (1024 * 1024),
        accept=files.ACCEPT,
        allowed_types=files.ALLOWED_NAMES,
    ), status


@bp.get("/cohorts/<slug>/assignments/<assignment_slug>")
@login_required
def assignment(slug: str, assignment_slug: str):
    """An assignment: instructions, rubric, dates, and the participant's (or team's) work."""
    cohort, membership, spec = _load_assignment(slug, assignment_slug)
    return _render_assignment(cohort, membership, spec)


def _background() -> bool:
    return request.form.get("background") == "1"


def _back(cohort, spec, anchor: str = ""):
    return redirect(
        url_for("assignments.assignment", slug=cohort.slug, assignment_slug=spec.slug) + anchor
    )


@bp.post("/cohorts/<slug>/assignments/<assignment_slug>/draft")
@login_required
def save_draft(slug: str, assignment_slug: str):
    """Save the draft text (the form's button, or the browser in the background)."""
    cohort, membership, spec = _load_assignment(slug, assignment_slug)
    _participant_only(membership)
    form = DraftForm()
    if not form.validate_on_submit():
        if _background():
            return jsonify(error=_("The draft could not be saved.")), 422
        return _render_assignment(cohort, membership, spec, draft_form=form, status=422)
    submission = _own_submission(cohort, spec, create=True)
    try:
        services.save_draft(current_user, submission, form.text.data or "", form.revision.data)
    except services.DraftConflict as conflict:
        db.session.rollback()
        if _background():
            return jsonify(conflict=True, revision=conflict.revision), 409
        return _render_assignment(
            cohort, membership, spec, draft_form=form, conflict=conflict, status=409
        )
    except DomainError as error:
        db.session.rollback()
        if _background():
            return jsonify(error=str(error.message)), 422
        apply_to_form(form, error)
        return _render_assignment(cohort, membership, spec, draft_form=form, status=422)
    if _background():
        return jsonify(revision=submission.draft_revision)
    flash(_("Your draft has been saved."), "success")
    return _back(cohort, spec, "#editor")


@bp.post("/cohorts/<slug>/assignments/<assignment_slug>/submit")
@login_required
def submit(slug: str, assignment_slug: str):
    """Save the text shown in the editor (if it changed) and submit the draft as a version."""
    cohort, membership, spec = _load_assignment(slug, assignment_slug)
    _participant_only(membership)
    form = DraftForm()
    if not form.validate_on_submit():
        return _render_assignment(cohort, membership, spec, draft_form=form, status=422)
    submission = _own_submission(cohort, spec, create=True)
    text = (form.text.data or "").replace("\r\n", "\n")
    base = form.revision.data
    try:
        if text != submission.draft_text or base != submission.draft_revision:
            services.save_draft(current_user, submission, text, base)
            base = submission.draft_revision
        version = services.submit(current_user, submission, base)
    except services.DraftConflict as conflict:
        db.session.rollback()
        return _render_assignment(
            cohort, membership, spec, draft_form=form, conflict=conflict, status=409
        )
    except DomainError as error:
        db.session.rollback()
        apply_to_form(form, error)
        return _render_assignment(cohort, membership, spec, draft_form=form, status=422)
    if version.late:
        flash(
            _("Version %(number)d has been submitted. It is marked late.", number=version.number),
            "success",
        )
    else:
        flash(_("Version %(number)d has been submitted.", number=version.number), "success")
    return _back(cohort, spec, "#versions")


@bp.post("/cohorts/<slug>/assignments/<assignment_slug>/files")
@login_required
def upload(slug: str, assignment_slug: str):
    """Add files to the draft. Only files travel here: the draft text is saved by its own form
    (and by the browser before an upload), so a refused or oversized upload loses no text."""
    cohort, membership, spec = _load_assignment(slug, assignment_slug)
    _participant_only(membership)
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_assignment(cohort, membership, spec, upload_form=form, status=422)
    uploads = form.uploads()
    try:
        with files.removing_orphans():
            submission = _own_submission(cohort, spec, create=True)
            added = services.add_files(current_user, submission, uploads)
            count = len(added)
            # committed here, not by the request boundary: a failed commit must also delete
            # the files this request wrote
            db.session.commit()
    except DomainError as error:
        apply_to_form(form, error)
        return _render_assignment(cohort, membership, spec, upload_form=form, status=422)
    flash(ngettext("%(num)d file was added.", "%(num)d files were added.", count), "success")
    return _back(cohort, spec, "#files")


@bp.post("/cohorts/<slug>/assignments/<assignment_slug>/files/<id:file_id>/delete")
@login_required
def remove_file(slug: str, assignment_slug: str, file_id: int):
    """Take a file off the draft."""
    cohort, membership, spec = _load_assignment(slug, assignment_slug)
    _participant_only(membership)
    if not ActionForm().validate_on_submit():
        abort(400)
    submission = _own_submission(cohort, spec)
    if submission is None:
        abort(404)
    try:
        services.remove_file(current_user, submission, file_id)
    except NotFound:
        db.session.rollback()
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(cohort, spec, "#files")
    flash(_("The file was removed from your draft."), "success")
    return _back(cohort, spec, "#files")


def _load_submission(slug: str, submission_id: int) -> tuple[Cohort, Submission]:
    cohort, _membership = _load_cohort(slug)
    submission = db.session.get(Submission, submission_id)
    if (
        submission is None
        or submission.cohort_id != cohort.id
        or not can_view_submission(current_user, submission)
    ):
        abort(404)
    return cohort, submission


@bp.get("/cohorts/<slug>/submissions/<id:submission_id>")
@login_required
def submission(slug: str, submission_id: int):
    """One submission's versions, read-only: for its authors, the cohort's trainers and
    coordinators."""
    cohort, found = _load_submission(slug, submission_id)
    view = _submission_view(found.id)
    spec = db.session.scalar(
        sa.select(AssignmentSpec)
        .where(AssignmentSpec.id == found.assignment_spec_id)
        .options(orm.joinedload(AssignmentSpec.module), orm.raiseload("*"))
    )
    return render_template(
        "assignments/submission_view.html",
        cohort=cohort,
        spec=spec,
        view=view,
        assessments=view.assessments,
    )


@bp.get("/cohorts/<slug>/submissions/<id:submission_id>/files/<id:file_id>")
@login_required
def download(slug: str, submission_id: int, file_id: int):
    """A file of a submission's version, as an attachment, for those who may see the
    submission; a file of the draft only for its authors."""
    cohort, found = _load_submission(slug, submission_id)
    row = db.session.scalar(
        sa.select(SubmissionFile)
        .where(SubmissionFile.id == file_id, SubmissionFile.submission_id == found.id)
        .options(orm.joinedload(SubmissionFile.stored_file), orm.raiseload("*"))
    )
    if row is None:
        abort(404)
    # A draft is private to its authors: trainers and coordinators see submitted versions only.
    if row.version_id is None and not is_author(membership_in(current_user, cohort.id), found):
        abort(404)
    path = storage.path_of(row.stored_file.sha256)
    if not path.is_file():
        abort(404)
    return attachment_response(path, row.filename, row.stored_file.content_type,
                               row.stored_file.sha256)  # fmt: skip


def attachment_response(path, filename: str, content_type: str, etag: str) -> Response:
    """A stored file as a download that no browser renders or sniffs.

    The file is opened only when the body is read (and closed however reading ends), so a
    response that is never read leaves no open file behind.
    """

    def chunks():
        with path.open("rb") as file:
            while chunk := file.read(64 * 1024):
                yield chunk

    response = Response(chunks(), mimetype=files.served_type(content_type), direct_passthrough=True)
    response.content_length = path.stat().st_size
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = "".join(c for c in ascii_name if c.isprintable() and c not in '"\\;') or "file"
    # A fixed form: an ASCII fallback, then the exact name encoded as RFC 5987 prescribes.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


# Extensions -------------------------------------------------------------------------------


def _who_choices(cohort: Cohort, spec: AssignmentSpec) -> list[tuple[int, str]]:
    if spec.kind is AssignmentKind.team:
        rows = db.session.execute(
            sa.select(Organisation.id, Organisation.name)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.cohort_id == cohort.id, Membership.role == Role.participant)
            .distinct()
            .order_by(Organisation.name)
        )
    else:
        rows = db.session.execute(
            sa.select(User.id, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort.id, Membership.role == Role.participant)
            .order_by(User.name)
        )
    return [(ident, name) for ident, name in rows]


def _load_staff_assignment(slug: str, assignment_slug: str):
    cohort, membership, spec = _load_assignment(slug, assignment_slug)
    if not is_trainer_in(current_user, cohort):
        abort(404)
    return cohort, membership, spec


@bp.route("/cohorts/<slug>/assignments/<assignment_slug>/extensions", methods=["GET", "POST"])
@login_required
def extensions(slug: str, assignment_slug: str):
    """The extensions of an assignment, and a form to grant one (trainers, coordinators)."""
    cohort, _membership, spec = _load_staff_assignment(slug, assignment_slug)
    choices = _who_choices(cohort, spec)
    form = ExtensionForm()
    form.who.choices = [(0, _("Choose…")), *choices]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            team = spec.kind is AssignmentKind.team
            target = db.session.get(Organisation if team else User, form.who.data)
            try:
                services.grant_extension(
                    current_user,
                    cohort,
                    spec,
                    user=None if team else target,
                    organisation=target if team else None,
                    due_at=form.moment("due"),
                    cut_off_at=form.moment("cut_off"),
                    reason=form.reason.data or "",
                )
            except DomainError as error:
                db.session.rollback()
                apply_to_form(form, _field_error(error))
            else:
                flash(_("The extension has been granted."), "success")
                return redirect(
                    url_for("assignments.extensions", slug=cohort.slug, assignment_slug=spec.slug)
                )
        status = 422
    names = dict(choices)
    granted = list(
        db.session.scalars(
            sa.select(Extension)
            .where(Extension.cohort_id == cohort.id, Extension.assignment_spec_id == spec.id)
            .order_by(Extension.due_at)
        )
    )
    return render_template(
        "assignments/submission_extensions.html",
        cohort=cohort,
        spec=spec,
        item=services.effective_dates(cohort.id, spec, None),
        form=form,
        extensions=[
            (e, names.get(e.organisation_id if e.organisation_id else e.user_id, "?"))
            for e in granted
        ],
        action_form=ActionForm(formdata=None),
    ), status


def _field_error(error: DomainError) -> DomainError:
    fields = {"due_at": "due_date", "cut_off_at": "cut_off_date", "who": "who"}
    return DomainError(error.message, fields.get(error.field or ""))


@bp.post("/cohorts/<slug>/assignments/<assignment_slug>/extensions/<id:extension_id>/revoke")
@login_required
def revoke_extension(slug: str, assignment_slug: str, extension_id: int):
    """Withdraw an extension."""
    cohort, _membership, spec = _load_staff_assignment(slug, assignment_slug)
    extension = db.session.get(Extension, extension_id)
    if (
        extension is None
        or extension.cohort_id != cohort.id
        or extension.assignment_spec_id != spec.id
    ):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.revoke_extension(current_user, cohort, extension)
    flash(_("The extension has been revoked."), "success")
    return redirect(url_for("assignments.extensions", slug=cohort.slug, assignment_slug=spec.slug))
