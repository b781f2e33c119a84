"""Organisation pages: coordinators list, search, add and edit procurement units."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy.core.access import coordinator_required
from academy.core.errors import domain_errors
from academy.core.i18n import current_locale
from academy.core.web import page_arg
from academy.extensions import db
from academy.organisations import services
from academy.organisations.forms import OrganisationForm, OrganisationSearchForm
from academy.organisations.models import Organisation, OrganisationKind

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.app_template_filter("region")
def _region(region: str | None) -> str:
    """A stored region in the reader's language."""
    return services.region_label(region, current_locale())


def _load(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/")
@coordinator_required
def index():
    """Every organisation, searchable by name or business ID and filterable by kind."""
    form = OrganisationSearchForm(request.args)
    form.validate()
    q = "" if form.q.errors else (form.q.data or "")
    kind = OrganisationKind(form.kind.data) if form.kind.data and not form.kind.errors else None
    result = services.search(q=q, kind=kind, page=page_arg())
    filters = {key: value for key, value in (("q", q), ("kind", kind and kind.value)) if value}
    return render_template(
        "organisations/index.html", form=form, result=result, filters=filters, q=q
    )


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create():
    """Add a procurement unit."""
    form = OrganisationForm()
    if form.validate_on_submit():
        with domain_errors(form):
            organisation = services.create_organisation(
                current_user,
                name=form.name.data,
                business_id=form.business_id.data,
                kind=form.kind.data,
                region=form.region.data,
            )
            flash(_("Organisation %(name)s added.", name=organisation.name), "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.get("/<id:organisation_id>")
@coordinator_required
def show(organisation_id: int):
    """An organisation's details and its people in each cohort."""
    from academy.cohorts.services import memberships_of_organisation

    organisation = _load(organisation_id)
    groups: dict = {}
    for membership in memberships_of_organisation(organisation):
        groups.setdefault(membership.cohort, []).append(membership)
    return render_template("organisations/show.html", organisation=organisation, groups=groups)


@bp.route("/<id:organisation_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(organisation_id: int):
    """Change an organisation's details."""
    organisation = _load(organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        with domain_errors(form):
            services.update_organisation(
                current_user,
                organisation,
                name=form.name.data,
                business_id=form.business_id.data,
                kind=form.kind.data,
                region=form.region.data,
            )
            flash(_("Changes saved."), "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)
