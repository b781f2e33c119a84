"""Signing in and out, invitations, password reset, profile and the people list."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from academy.accounts import services
from academy.accounts.forms import (
    LOCALE_NAMES,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    PersonForm,
    ProfileForm,
    SetPasswordForm,
)
from academy.accounts.models import User
from academy.core.access import coordinator_required
from academy.core.errors import DomainError, apply_to_form, domain_errors
from academy.core.security import safe_next_path
from academy.core.web import page_arg
from academy.extensions import db, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
login_manager.session_protection = "basic"
login_manager.user_loader(services.load_user)

PEOPLE_PER_PAGE = 50


def _start_session(user: User) -> None:
    """A fresh session for `user`: nothing from before the login is carried over."""
    session.clear()
    login_user(user)


def _link_problem(error: services.LinkProblem):
    """The page for an invitation or reset link that cannot be used, with a way forward."""
    status = 410 if error.expired else 404
    return render_template("accounts/link_problem.html", error=error), status


# Signing in and out --------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        with domain_errors(form, rollback=False):  # a refusal keeps its counted failure
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or ""
            )
            next_path = safe_next_path(request.args.get("next"))
            _start_session(user)
            return redirect(next_path or url_for("main.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out and end every session of this account."""
    services.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


# Invitations ---------------------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Set a first password from an invitation link, and sign in."""
    try:
        invitation = services.load_invitation(token)
    except services.LinkProblem as error:
        return _link_problem(error)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(invitation, form.password.data)
        except services.LinkProblem as error:  # used meanwhile: its own page, not a field error
            return _link_problem(error)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            _start_session(user)
            flash(_("Welcome! Your password is set and you are logged in."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/accept_invitation.html", form=form, user=invitation.user)


# Password reset ------------------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password-reset link by e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(
            _(
                "If %(email)s belongs to an account, we have sent a link for setting a new "
                "password to it. The link is valid for %(hours)s hours.",
                email=form.email.data.strip(),
                hours=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 3600,
            ),
            "success",
        )
        return redirect(url_for("accounts.forgot_password"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from a reset link, and sign in."""
    try:
        user = services.load_password_reset(token)
    except services.LinkProblem as error:
        return _link_problem(error)
    form = SetPasswordForm()
    if form.validate_on_submit():
        with domain_errors(form):
            services.reset_password(user, form.password.data)
            _start_session(user)
            flash(_("Your password has been changed and you are logged in."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/reset_password.html", form=form, user=user)


# Own profile ---------------------------------------------------------------------------------


def _render_profile(profile_form: ProfileForm, password_form: ChangePasswordForm):
    return render_template(
        "accounts/profile.html",
        profile_form=profile_form,
        password_form=password_form,
        memberships=services.memberships_of(current_user),
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """One's own details, language, password and cohort memberships."""
    user = current_user._get_current_object()
    profile_form = ProfileForm(obj=user)
    if profile_form.validate_on_submit():
        with domain_errors(profile_form):
            services.update_profile(
                user,
                name=profile_form.name.data,
                title=profile_form.title.data or "",
                locale=profile_form.locale.data,
            )
            flash(_("Your details have been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(profile_form, ChangePasswordForm(formdata=None))


@bp.post("/profile/password")
@login_required
def change_password():
    """Change one's password; other sessions of the account end."""
    user = current_user._get_current_object()
    password_form = ChangePasswordForm()
    if password_form.validate_on_submit():
        with domain_errors(password_form):
            services.change_password(
                user,
                current_password=password_form.current_password.data,
                new_password=password_form.password.data,
            )
            _start_session(user)  # this session goes on with the new session version
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(ProfileForm(formdata=None, obj=user), password_form)


# People (coordinators) -----------------------------------------------------------------------


def _person_or_404(person_id: int) -> User:
    person = db.session.get(User, person_id)
    if person is None:
        abort(404)
    return person


@bp.get("/people")
@coordinator_required
def people():
    """Everyone with an account, searchable by name or e-mail."""
    q = request.args.get("q", "").strip()[:200]
    page = db.paginate(
        services.people_query(q), page=page_arg(), per_page=PEOPLE_PER_PAGE, max_per_page=100
    )
    return render_template("accounts/people.html", page=page, q=q)


@bp.route("/people/invite", methods=["GET", "POST"])
@coordinator_required
def invite():
    """Invite a person by e-mail."""
    form = PersonForm()
    if form.validate_on_submit():
        with domain_errors(form):
            person = services.invite(
                current_user._get_current_object(),
                email=form.email.data,
                name=form.name.data,
                title=form.title.data or "",
                locale=form.locale.data,
                is_coordinator=form.is_coordinator.data,
            )
            flash(_("Invitation sent to %(email)s.", email=person.email), "success")
            return redirect(url_for("accounts.person", person_id=person.id))
    return render_template(
        "accounts/person_form.html",
        form=form,
        person=None,
        invitation_days=current_app.config["INVITATION_MAX_AGE_SECONDS"] // 86400,
    )


@bp.get("/people/<id:person_id>")
@coordinator_required
def person(person_id: int):
    """One person's details, memberships and account actions."""
    person = _person_or_404(person_id)
    return render_template(
        "accounts/person.html",
        person=person,
        memberships=services.memberships_of(person),
        invitation=services.latest_invitation(person),
        locale_names=LOCALE_NAMES,
    )


@bp.route("/people/<id:person_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_person(person_id: int):
    """Edit a person's details and coordinator role."""
    person = _person_or_404(person_id)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        with domain_errors(form):
            services.update_person(
                current_user._get_current_object(),
                person,
                email=form.email.data,
                name=form.name.data,
                title=form.title.data or "",
                locale=form.locale.data,
                is_coordinator=form.is_coordinator.data,
            )
            flash(_("The details have been saved."), "success")
            return redirect(url_for("accounts.person", person_id=person.id))
    return render_template("accounts/person_form.html", form=form, person=person)


def _person_action(person_id: int, action, message: str):
    """Run a POST-only account action and go back to the person page."""
    person = _person_or_404(person_id)
    with domain_errors():
        action(current_user._get_current_object(), person)
        flash(message, "success")
    return redirect(url_for("accounts.person", person_id=person_id))


@bp.post("/people/<id:person_id>/deactivate")
@coordinator_required
def deactivate_person(person_id: int):
    """Stop a person from logging in."""
    return _person_action(person_id, services.deactivate, _("The account has been deactivated."))


@bp.post("/people/<id:person_id>/reactivate")
@coordinator_required
def reactivate_person(person_id: int):
    """Let a deactivated person log in again."""
    return _person_action(person_id, services.reactivate, _("The account has been reactivated."))


@bp.post("/people/<id:person_id>/resend-invitation")
@coordinator_required
def resend_invitation(person_id: int):
    """Send a new invitation link to someone who has not accepted yet."""
    return _person_action(
        person_id, services.resend_invitation, _("A new invitation has been sent.")
    )
