"""Module pages, schedules, progress and the calendar feed."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from academy.cohorts import schedule
from academy.cohorts.models import Cohort, Membership, Role
from academy.core import markdown
from academy.core.access import membership_in
from academy.core.errors import DomainError, domain_errors
from academy.core.i18n import current_locale
from academy.extensions import db
from academy.learning import calendar, services
from academy.learning.forms import ActionForm, schedule_form
from academy.learning.models import ModuleCompletion
from academy.programmes.services import attachment_path

bp = Blueprint("learning", __name__)

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@bp.app_template_filter("when")
def when(value: datetime | None) -> str:
    """A moment as the reader's date and time of day, in Finnish time: "4.12.2026 16.00"."""
    if value is None:
        return ""
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


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


def _is_participant(membership: Membership | None) -> bool:
    return membership is not None and membership.role is Role.participant


def _load_module(cohort: Cohort, module_slug: str) -> schedule.ModuleEntry:
    timeline = schedule.load_timeline(cohort, module_slug)
    entry = timeline.module(module_slug) if timeline else None
    if entry is None:
        abort(404)
    return entry


# Schedule ------------------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/schedule", methods=["GET", "POST"])
@login_required
def schedule_page(slug: str):
    """The cohort's timeline; coordinators edit it here."""
    cohort, _membership = _load_cohort(slug)
    can_edit = current_user.is_coordinator
    if request.method == "POST" and not can_edit:
        abort(404)
    timeline = schedule.load_timeline(cohort)
    form = schedule_form(timeline, current_locale()) if timeline and can_edit else None
    status = 200
    if form is not None and request.method == "POST":
        if form.validate_on_submit():
            try:
                schedule.update_schedule(
                    current_user,
                    cohort,
                    form.module_openings(timeline),
                    form.assignment_dates(timeline),
                )
            # The service checks everything before it changes anything: nothing to roll back,
            # and the page is shown again from the objects already loaded.
            except schedule.ScheduleInvalid as error:
                form.form_errors.append(error.message)
                for problem in error.errors:
                    field = form.field_for_error(problem.field)
                    if field is not None:
                        field.errors = [*field.errors, problem.message]
                    else:
                        form.form_errors.append(problem.message)
            except DomainError as error:
                form.form_errors.append(error.message)
            else:
                flash(_("The schedule has been saved."), "success")
                return redirect(url_for("learning.schedule_page", slug=cohort.slug))
        status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "learning/schedule.html",
        cohort=cohort,
        timeline=timeline,
        form=form,
        defaults_form=ActionForm() if can_edit else None,
    ), status


@bp.post("/cohorts/<slug>/schedule/defaults")
@login_required
def create_default_schedule(slug: str):
    """Fill the schedule's missing dates from the programme's defaults."""
    cohort, _membership = _load_cohort(slug)
    if not current_user.is_coordinator:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    with domain_errors():
        created = schedule.create_default_schedule(cohort, current_user)
        if created:
            flash(
                ngettext(
                    "%(num)d date was added from the programme's defaults.",
                    "%(num)d dates were added from the programme's defaults.",
                    len(created),
                ),
                "success",
            )
        else:
            flash(_("Every module and assignment already has its dates."), "success")
    return redirect(url_for("learning.schedule_page", slug=cohort.slug))


# Modules -------------------------------------------------------------------------------------


@bp.get("/cohorts/<slug>/modules")
@login_required
def modules(slug: str):
    """The cohort's modules and where each stands."""
    cohort, membership = _load_cohort(slug)
    timeline = schedule.load_timeline(cohort)
    participant = _is_participant(membership)
    done = (
        {module_id for _m, module_id in services.completed_module_ids([membership.id])}
        if participant
        else set()
    )
    rows = [
        (entry, services.module_status(entry, entry.module.id in done))
        for entry in (timeline.modules if timeline else [])
    ]
    completed = sum(status is services.ModuleStatus.completed for _e, status in rows)
    return render_template(
        "learning/modules.html",
        cohort=cohort,
        timeline=timeline,
        rows=rows,
        participant=participant,
        completed=completed,
    )


@bp.get("/cohorts/<slug>/modules/<module_slug>")
@login_required
def module(slug: str, module_slug: str):
    """A module: objectives, contents, text and assignments (once it has opened)."""
    cohort, membership = _load_cohort(slug)
    entry = _load_module(cohort, module_slug)
    participant = _is_participant(membership)
    is_open = entry.is_open()
    completed = participant and (
        db.session.scalar(
            sa.select(ModuleCompletion.id).where(
                ModuleCompletion.membership_id == membership.id,
                ModuleCompletion.module_id == entry.module.id,
            )
        )
        is not None
    )
    show_content = is_open or not participant
    locale = current_locale()
    context = {}
    if show_content:
        body = services.localised_text(entry.module.bodies, locale)
        link_base = url_for(
            "learning.attachment", slug=cohort.slug, module_slug=entry.module.slug, name="x"
        ).removesuffix("x")
        context = {
            "body": body,
            "body_html": markdown.render(body.text, link_base=link_base, heading_offset=1),
            "fallback_notice": services.fallback_notice(body),
            "contents": [
                (level + 1, ident, title)
                for level, ident, title in markdown.toc(body.text)
                if level <= 2
            ],
            "objectives": services.localised_text(entry.module.objectives, locale),
            "assignments": [
                (
                    a,
                    instructions,
                    markdown.render(instructions.text, link_base, heading_offset=3),
                )
                for a in entry.assignments
                for instructions in [services.localised_text(a.spec.instructions, locale)]
            ],
        }
    return render_template(
        "learning/module.html",
        cohort=cohort,
        entry=entry,
        participant=participant,
        is_open=is_open,
        completed=completed,
        show_content=show_content,
        action_form=ActionForm(),
        **context,
    )


def _change_completion(slug: str, module_slug: str, undo: bool):
    cohort, membership = _load_cohort(slug)
    entry = _load_module(cohort, module_slug)
    if not _is_participant(membership):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    with domain_errors():
        if undo:
            services.undo_completion(current_user, cohort, entry)
            flash(_("The module is no longer marked as completed."), "success")
        else:
            services.mark_completed(current_user, cohort, entry)
            flash(_("The module is marked as completed."), "success")
    return redirect(url_for("learning.module", slug=cohort.slug, module_slug=module_slug))


@bp.post("/cohorts/<slug>/modules/<module_slug>/complete")
@login_required
def complete_module(slug: str, module_slug: str):
    """Mark an open module as completed (participants)."""
    return _change_completion(slug, module_slug, undo=False)


@bp.post("/cohorts/<slug>/modules/<module_slug>/complete/undo")
@login_required
def undo_complete_module(slug: str, module_slug: str):
    """Take back the mark that a module is completed (participants)."""
    return _change_completion(slug, module_slug, undo=True)


@bp.get("/cohorts/<slug>/modules/<module_slug>/attachments/<name>")
@login_required
def attachment(slug: str, module_slug: str, name: str):
    """A file a module links to, as a download, for those who may read the module."""
    cohort, membership = _load_cohort(slug)
    entry = _load_module(cohort, module_slug)
    if _is_participant(membership) and not entry.is_open():
        abort(404)
    sha256 = (entry.module.attachments or {}).get(name)
    path = _attachment_path(sha256) if isinstance(sha256, str) else None
    if path is None:
        abort(404)
    return _download(path, name, etag=sha256)


def _download(path: Path, name: str, etag: str) -> Response:
    """A file as a download under `name`, streamed, with headers that keep browsers from
    rendering or sniffing it."""

    def chunks():
        # The file is opened only when the body is read, and closed however reading ends.
        with path.open("rb") as file:
            while chunk := file.read(64 * 1024):
                yield chunk

    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = Response(chunks(), mimetype=mimetype, direct_passthrough=True)
    response.content_length = path.stat().st_size
    try:
        name.encode("ascii")
        names = {"filename": name}
    except UnicodeEncodeError:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        names = {"filename": ascii_name, "filename*": f"UTF-8''{quote(name, safe='')}"}
    # Werkzeug quotes the values, so a name cannot break out of the header.
    response.headers.set("Content-Disposition", "attachment", **names)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def _attachment_path(sha256: str) -> Path | None:
    """Where the programme's stored file with this hash is, or None when there is none."""
    if not SHA256.match(sha256):
        return None
    path = attachment_path(sha256)
    return path if path.is_file() else None


# Calendar ------------------------------------------------------------------------------------


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """A person's dates as an iCalendar feed; the secret token in the address is the key."""
    user = calendar.user_by_calendar_token(token)
    if user is None:
        abort(404)

    def link(cohort_slug: str, module_slug: str) -> str:
        return url_for("learning.module", slug=cohort_slug, module_slug=module_slug, _external=True)

    body = calendar.build_feed(user, link, domain=request.host.split(":")[0] or "academy")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="keino-academy.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/calendar/renew")
@login_required
def renew_calendar():
    """Give the signed-in person a new calendar address; the old one stops working."""
    if not ActionForm().validate_on_submit():
        abort(400)
    services.renew_calendar_token(current_user)
    flash(_("Your calendar has a new address. Update it in your calendar application."), "success")
    return redirect(url_for("main.home") + "#calendar")
