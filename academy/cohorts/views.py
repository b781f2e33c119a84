"""Cohort pages: the list, a cohort's page with its people, and the coordinators' tools."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy.cohorts import enrolment, services
from academy.cohorts.forms import (
    AddMemberForm,
    CohortForm,
    ImportForm,
    MemberForm,
    ProgrammeVersionForm,
    StatusFilterForm,
    programme_version_choices,
)
from academy.cohorts.models import TRANSITIONS, Cohort, CohortStatus
from academy.core.access import can_manage_cohort, can_view_cohort, coordinator_required
from academy.core.errors import apply_to_form, domain_errors
from academy.extensions import db
from academy.organisations.services import all_organisations

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def _load(slug: str, allowed=can_view_cohort) -> Cohort:
    """The cohort, or 404 when it does not exist or the user may not know of it."""
    cohort = services.get_cohort(slug)
    if cohort is None or not allowed(current_user, cohort):
        abort(404)
    return cohort


def _status_actions(cohort: Cohort) -> list[tuple[CohortStatus, str]]:
    labels = {
        CohortStatus.active: _("Reopen") if cohort.status is CohortStatus.closed else _("Activate"),
        CohortStatus.closed: _("Close"),
        CohortStatus.archived: _("Archive"),
        CohortStatus.draft: _("Back to draft"),
    }
    return [(status, labels[status]) for status in TRANSITIONS[cohort.status]]


@bp.get("/")
@login_required
def index():
    """Cohorts: all of them for coordinators (filterable by status), one's own for others."""
    form = StatusFilterForm(request.args)
    status = None
    if current_user.is_coordinator and form.validate() and form.status.data:
        status = CohortStatus(form.status.data)
    rows = services.cohort_list(current_user, status=status)
    return render_template("cohorts/index.html", rows=rows, form=form, status=status)


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create():
    """Start a new cohort (as a draft)."""
    form = CohortForm()
    form.programme_version_id.choices = programme_version_choices(
        services.programme_versions(), allow_none=True
    )
    if form.validate_on_submit():
        with domain_errors(form):
            cohort = services.create_cohort(
                current_user,
                name=form.name.data,
                slug=form.slug.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                language=form.language.data,
                programme_version_id=form.programme_version_id.data,
            )
            flash(_("Cohort %(name)s created as a draft.", name=cohort.name), "success")
            return redirect(url_for(".show", slug=cohort.slug))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.get("/<slug>")
@login_required
def show(slug: str):
    """A cohort's page: dates, status and its people as the viewer may see them."""
    cohort = _load(slug)
    people = services.cohort_people(cohort, current_user)
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        people=people,
        can_manage=can_manage_cohort(current_user, cohort),
        status_actions=_status_actions(cohort),
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(slug: str):
    """Change a cohort's name, web address, dates and language."""
    cohort = _load(slug, can_manage_cohort)
    form = CohortForm(obj=cohort)
    del form.programme_version_id  # moved with its own form below
    version_form = ProgrammeVersionForm(programme_version_id=cohort.programme_version_id)
    version_form.programme_version_id.choices = programme_version_choices(
        services.programme_versions(), allow_none=cohort.programme_version_id is None
    )
    if form.validate_on_submit():
        with domain_errors(form):
            services.update_cohort(
                current_user,
                cohort,
                name=form.name.data,
                slug=form.slug.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                language=form.language.data,
            )
            flash(_("Changes saved."), "success")
            return redirect(url_for(".show", slug=cohort.slug))
    return render_template("cohorts/form.html", form=form, cohort=cohort, version_form=version_form)


@bp.post("/<slug>/programme")
@coordinator_required
def change_programme_version(slug: str):
    """Pin the cohort to a programme version, or move it to another one."""
    cohort = _load(slug, can_manage_cohort)
    form = CohortForm(obj=cohort)
    del form.programme_version_id
    version_form = ProgrammeVersionForm()
    version_form.programme_version_id.choices = programme_version_choices(
        services.programme_versions(), allow_none=cohort.programme_version_id is None
    )
    if version_form.validate_on_submit():
        with domain_errors(version_form):
            services.set_programme_version(
                current_user, cohort, version_form.programme_version_id.data
            )
            flash(_("The cohort now follows the chosen programme version."), "success")
            return redirect(url_for("learning.schedule_page", slug=cohort.slug))
    return render_template(
        "cohorts/form.html", form=form, cohort=cohort, version_form=version_form
    ), 422


@bp.post("/<slug>/status")
@coordinator_required
def change_status(slug: str):
    """Move a cohort to another status (draft → active → closed → archived)."""
    cohort = _load(slug, can_manage_cohort)
    with domain_errors():
        services.change_status(current_user, cohort, request.form.get("status", ""))
        flash(_("The cohort is now %(status)s.", status=cohort.status.label.lower()), "success")
    return redirect(url_for(".show", slug=cohort.slug))


@bp.route("/<slug>/members", methods=["GET", "POST"])
@coordinator_required
def members(slug: str):
    """Everyone in a cohort, and the form to add a person."""
    cohort = _load(slug, can_manage_cohort)
    form = AddMemberForm()
    form.set_organisations(all_organisations())
    if form.validate_on_submit():
        with domain_errors(form):
            membership = services.add_member(
                current_user,
                cohort,
                email=form.email.data,
                role=form.role.data,
                organisation_id=form.organisation_id.data,
                name=form.name.data,
                title=form.title.data,
            )
            flash(_("%(name)s added to the cohort.", name=membership.user.name), "success")
            return redirect(url_for(".members", slug=cohort.slug))
    elif request.method == "GET" and not form.role.data:
        form.role.data = "participant"
    return render_template(
        "cohorts/members.html",
        cohort=cohort,
        form=form,
        memberships=services.memberships(cohort),
    )


@bp.route("/<slug>/members/import", methods=["GET", "POST"])
@coordinator_required
def import_members(slug: str):
    """Enrol many people at once from a CSV file; all rows or none."""
    cohort = _load(slug, can_manage_cohort)
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        data = form.file.data.read() if form.file.data else form.text.data
        try:
            created = enrolment.import_members(current_user, cohort, data)
        except enrolment.ImportRefused as error:
            db.session.rollback()
            apply_to_form(form, error)
            errors = error.errors
        else:
            flash(
                ngettext("%(num)d person enrolled.", "%(num)d people enrolled.", len(created)),
                "success",
            )
            return redirect(url_for(".members", slug=cohort.slug))
    return render_template("cohorts/import.html", cohort=cohort, form=form, errors=errors)


@bp.route("/<slug>/members/<id:user_id>", methods=["GET", "POST"])
@coordinator_required
def member(slug: str, user_id: int):
    """Change one member's role or organisation; remove them."""
    cohort = _load(slug, can_manage_cohort)
    membership = services.membership_of(cohort, user_id)
    if membership is None:
        abort(404)
    form = MemberForm(obj=membership)
    form.set_organisations(all_organisations())
    if form.validate_on_submit():
        with domain_errors(form):
            services.change_member(
                current_user,
                membership,
                role=form.role.data,
                organisation_id=form.organisation_id.data,
            )
            flash(_("Changes saved."), "success")
            return redirect(url_for(".members", slug=cohort.slug))
        membership = services.membership_of(cohort, user_id)  # as it was before the refusal
    elif request.method == "GET":
        form.role.data = membership.role.value
    return render_template("cohorts/member.html", cohort=cohort, membership=membership, form=form)


@bp.post("/<slug>/members/<id:user_id>/remove")
@coordinator_required
def remove_member(slug: str, user_id: int):
    """Take a person out of the cohort (their account and other cohorts stay)."""
    cohort = _load(slug, can_manage_cohort)
    membership = services.membership_of(cohort, user_id)
    if membership is None:
        abort(404)
    name = membership.user.name
    services.remove_member(current_user, membership)
    flash(_("%(name)s removed from the cohort.", name=name), "success")
    return redirect(url_for(".members", slug=cohort.slug))
