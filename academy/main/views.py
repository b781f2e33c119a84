"""Pages every visitor can reach: home, language choice, accessibility and privacy."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from academy.core.security import safe_next_path

bp = Blueprint("main", __name__)


@bp.app_context_processor
def _navigation():
    def nav_cohorts():
        from academy.cohorts.services import cohorts_for

        if not current_user.is_authenticated:
            return []
        return cohorts_for(current_user)

    def is_cohort_staff(cohort) -> bool:
        from academy.core.access import is_trainer_in

        return is_trainer_in(current_user, cohort)

    return {"nav_cohorts": nav_cohorts, "is_cohort_staff": is_cohort_staff}


@bp.get("/")
@login_required
def home():
    """The signed-in user's start page: what to do next in each cohort."""
    from academy.learning.forms import ActionForm
    from academy.learning.services import home_page

    return render_template("main/home.html", page=home_page(current_user), renew_form=ActionForm())


@bp.post("/language")
def set_language():
    """Remember the chosen interface language (on the account when signed in)."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
    return redirect(safe_next_path(request.form.get("next")) or url_for("main.home"))


@bp.get("/accessibility")
def accessibility():
    """Accessibility statement (saavutettavuusseloste)."""
    return render_template("main/accessibility.html")


@bp.get("/privacy")
def privacy():
    """Privacy notice (tietosuojaseloste)."""
    return render_template("main/privacy.html")


@bp.get("/healthz")
def healthz():
    """Liveness for load balancers: no database, no session."""
    return {"status": "ok"}
