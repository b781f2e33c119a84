"""Signing in and out, invitations, password reset, profile and the people list."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from academy.accounts import services
from academy.accounts.forms import LoginForm
from academy.core.errors import apply_to_form
from academy.core.security import safe_next_path
from academy.extensions import db, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
login_manager.session_protection = "basic"
login_manager.user_loader(services.load_user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or ""
            )
        except services.LoginRefused as error:
            db.session.commit()  # keep the counted failure
            apply_to_form(form, error)
        else:
            next_path = safe_next_path(request.args.get("next"))
            session.clear()  # a fresh session at login: nothing carried over
            login_user(user)
            db.session.commit()
            return redirect(next_path or url_for("main.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out and end every session of this account."""
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


# PLACEHOLDER (replaced by the accounts helper): endpoints the layout links to.
@bp.get("/profile")
def profile():
    from flask import abort

    abort(404)


@bp.get("/people")
def people():
    from flask import abort

    abort(404)


@bp.get("/password/forgot")
def forgot_password():
    from flask import abort

    abort(404)
