"""Trainers' grading pages: the queue, the assessment form, bulk release, the audit trail, the
ZIP of an assignment; and the files of released feedback."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from academy.assignments import files as file_checks
from academy.assignments import grading
from academy.assignments.access import can_view_submission
from academy.assignments.grading_forms import (
    BulkReleaseForm,
    QueueFilterForm,
    assessment_form,
    posted_scores,
)
from academy.assignments.models import Outcome, Submission
from academy.assignments.views import bp
from academy.cohorts.models import Cohort
from academy.cohorts.services import get_cohort
from academy.core import storage
from academy.core.access import coordinator_required, is_trainer_in
from academy.core.errors import DomainError, apply_to_form, domain_errors
from academy.core.i18n import current_locale
from academy.core.markdown import render as render_markdown
from academy.extensions import db

QUEUE = "/cohorts/<slug>/grading"
SUBMISSION = "/cohorts/<slug>/submissions/<id:submission_id>"


@bp.app_template_filter("feedback_markdown")
def _feedback_markdown(text: str | None):
    """Feedback written in Markdown as safe HTML (for templates/assignments/_feedback.html)."""
    return render_markdown(text)


def _staff_cohort(slug: str) -> Cohort:
    """The cohort, when the signed-in user is one of its trainers or a coordinator; else 404."""
    cohort = get_cohort(slug)
    if cohort is None or not is_trainer_in(current_user, cohort):
        abort(404)
    return cohort


def _submission_file_url(cohort: Cohort, submission: Submission, file) -> str | None:
    """The submissions' download link for a file of a version (None without that route)."""
    try:
        return url_for(
            "assignments.download",
            slug=cohort.slug,
            submission_id=submission.id,
            file_id=file.id,
        )
    except BuildError:
        return None


@bp.get(QUEUE)
@login_required
def queue(slug: str):
    """The cohort's submitted work by module, assignment and state, oldest first."""
    cohort = _staff_cohort(slug)
    locale = current_locale()
    form = QueueFilterForm(formdata=request.args)
    form.set_choices(grading.queue_options(cohort), locale)
    form.validate()  # values that are not among the choices are ignored, not used
    state = form.value("state")
    filters = {
        "module": form.value("module"),
        "assignment": form.value("assignment"),
        "state": state,
        "sort": form.value("sort"),
        "direction": form.value("direction"),
    }
    page = grading.grading_queue(
        cohort,
        module=filters["module"],
        assignment=filters["assignment"],
        state=grading.QueueState(state) if state else None,
        sort=filters["sort"] or "submitted",
        descending=filters["direction"] == "desc",
        page=form.value("page", 1),
    )
    active = {key: value for key, value in filters.items() if value}

    def query(**changes) -> dict:
        """The current filters with some changed (None drops one); the page starts over."""
        merged = {**active, **changes}
        return {key: value for key, value in merged.items() if value}

    return render_template(
        "assignments/grading/queue.html",
        cohort=cohort,
        form=form,
        page=page,
        filters=active,
        query=query,
        states=list(grading.QueueState),
        locale=locale,
        release_form=BulkReleaseForm(),
    )


@bp.post(QUEUE + "/release")
@login_required
def release_selected(slug: str):
    """Release the ticked draft assessments: all of them, or none."""
    cohort = _staff_cohort(slug)
    form = BulkReleaseForm()
    if not form.validate_on_submit():
        flash(_("Choose the assessments to release."), "error")
        return redirect(url_for(".queue", slug=cohort.slug))
    with domain_errors():
        released = grading.release_many(current_user, cohort, form.assessment.data or [])
        flash(
            ngettext(
                "%(num)d assessment released.", "%(num)d assessments released.", len(released)
            ),
            "success",
        )
    return redirect(url_for(".queue", slug=cohort.slug))


def _form_defaults(assessment, version_number: int) -> dict:
    data = {"version": str(version_number)}
    if assessment is not None:
        data["outcome"] = assessment.outcome.value if assessment.outcome else None
        data["feedback"] = assessment.feedback
        for criterion, level in (assessment.scores or {}).items():
            data[grading.score_field(criterion)] = level
    return data


def _assessment_page(cohort: Cohort, submission_id: int):
    """The submission as the assessment page shows it, its latest version and its assessment."""
    submission = grading.submission_for_grading(cohort, submission_id)
    if submission is None or not submission.versions:
        abort(404)
    latest = submission.versions[-1]
    assessment = next((a for a in submission.assessments if a.version_id == latest.id), None)
    return submission, latest, assessment


@bp.route(SUBMISSION + "/assess", methods=["GET", "POST"])
@login_required
def assess(slug: str, submission_id: int):
    """Assess the latest version with the rubric; save a draft or release it."""
    cohort = _staff_cohort(slug)
    submission, latest, assessment = _assessment_page(cohort, submission_id)
    spec = submission.assignment_spec
    locale = current_locale()
    form = assessment_form(spec.rubric, locale, data=_form_defaults(assessment, latest.number))
    form.remove_files.choices = [
        (f.id, f.filename) for f in (assessment.files if assessment else [])
    ]
    was_released = assessment is not None and assessment.released_at is not None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            outcome = form.outcome.data
            uploads = [
                file_checks.Upload(stream=f.stream, filename=f.filename or "")
                for f in request.files.getlist(form.files.name)
                if f and f.filename
            ]
            try:
                with file_checks.removing_orphans():
                    saved = grading.save_assessment(
                        current_user,
                        submission,
                        version_number=_int(form.version.data),
                        scores=posted_scores(request.form),
                        outcome=Outcome(outcome) if outcome else None,
                        feedback=form.feedback.data or "",
                        uploads=uploads,
                        remove_file_ids=form.remove_files.data or [],
                        release_now=request.form.get("action") == "release",
                    )
                    released = saved.released_at is not None
                    # committed inside the guard: a failed commit deletes the files it wrote
                    db.session.commit()
            except DomainError as error:
                db.session.rollback()
                apply_to_form(form, error)
            else:
                if released and not was_released:
                    flash(_("The assessment was released and the authors were told."), "success")
                elif released:
                    flash(_("Changes saved; they are recorded in the audit trail."), "success")
                else:
                    flash(
                        _("Draft saved. Participants cannot see it until it is released."),
                        "success",
                    )
                return redirect(url_for(".assess", slug=cohort.slug, submission_id=submission_id))
        status = 422
        # a rollback expired what was loaded: load it again to show the page
        submission, latest, assessment = _assessment_page(cohort, submission_id)
        spec = submission.assignment_spec
    return (
        render_template(
            "assignments/grading/assess.html",
            cohort=cohort,
            submission=submission,
            spec=spec,
            latest=latest,
            earlier=list(reversed(submission.versions[:-1])),
            assessment=assessment,
            form=form,
            rubric=spec.rubric or [],
            locale=locale,
            author=grading.author_name(submission),
            render_markdown=render_markdown,
            file_url=lambda f: _submission_file_url(cohort, submission, f),
            score_prefix=grading.SCORE_PREFIX,
            is_coordinator=current_user.is_coordinator,
        ),
        status,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.get(SUBMISSION + "/audit")
@coordinator_required
def audit(slug: str, submission_id: int):
    """Who changed the submission's assessments after release, when, from what to what."""
    cohort = _staff_cohort(slug)
    submission = grading.submission_for_grading(cohort, submission_id)
    if submission is None:
        abort(404)
    return render_template(
        "assignments/grading/audit.html",
        cohort=cohort,
        submission=submission,
        author=grading.author_name(submission),
        events=grading.audit_trail(submission),
        locale=current_locale(),
    )


@bp.get(QUEUE + "/<assignment_slug>/download.zip")
@login_required
def download_zip(slug: str, assignment_slug: str):
    """Every submission's latest version of one assignment in a ZIP, one folder per author."""
    cohort = _staff_cohort(slug)
    spec = grading.assignment_in_cohort(cohort, assignment_slug)
    if spec is None:
        abort(404)
    archive = grading.write_zip(grading.zip_entries(cohort, spec))
    name = f"{grading.safe_name(cohort.slug, 'cohort')}-{grading.safe_name(spec.slug, 'work')}.zip"
    return _attachment(archive, name, "application/zip", remove=True)


def _viewable_submission(slug: str, submission_id: int) -> tuple[Cohort, Submission]:
    """A submission of this cohort that the signed-in user may see; else 404."""
    cohort = get_cohort(slug)
    submission = db.session.get(Submission, submission_id) if cohort else None
    if (
        submission is None
        or submission.cohort_id != cohort.id
        or not can_view_submission(current_user, submission)
    ):
        abort(404)
    return cohort, submission


@bp.get(SUBMISSION + "/feedback-files/<id:file_id>")
@login_required
def feedback_file(slug: str, submission_id: int, file_id: int):
    """A file a trainer attached to an assessment; for the authors only once released."""
    cohort, submission = _viewable_submission(slug, submission_id)
    staff = is_trainer_in(current_user, cohort)
    found = grading.feedback_file(submission, file_id, released_only=not staff)
    if found is None:
        abort(404)
    stored = found.stored_file
    path = storage.path_of(stored.sha256)
    if not path.is_file():
        abort(404)
    return _attachment(path, found.filename, file_checks.served_type(stored.content_type))


def _chunks(path: Path, remove: bool = False):
    """The file's bytes, opened only when the body is read and closed however reading ends."""
    try:
        with path.open("rb") as file:
            while chunk := file.read(64 * 1024):
                yield chunk
    finally:
        if remove:
            path.unlink(missing_ok=True)


def _attachment(path: Path, name: str, mimetype: str, remove: bool = False) -> Response:
    """A file as a download under `name` that no browser renders or sniffs."""
    response = Response(_chunks(path, remove), mimetype=mimetype, direct_passthrough=True)
    response.content_length = path.stat().st_size
    if remove:  # also when the body is never read
        response.call_on_close(lambda: path.unlink(missing_ok=True))
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or "file"
    names = {"filename": ascii_name}
    if ascii_name != name:
        names["filename*"] = f"UTF-8''{quote(name, safe='')}"
    # Werkzeug quotes the values, so a name cannot break out of the header.
    response.headers.set("Content-Disposition", "attachment", **names)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
