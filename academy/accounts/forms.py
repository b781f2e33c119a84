"""Forms for signing in, passwords, one's own profile and managing people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from academy.core.forms import Form

#: interface languages, each named in its own language
LOCALE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
#: the same as options, marked with their language for screen readers
LOCALE_CHOICES = [
    SelectChoice(code, label, render_kw={"lang": code}) for code, label in LOCALE_NAMES.items()
]


def _email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail"),
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
    )


def _new_password_fields():
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
    )
    return password, confirm


class LoginForm(Form):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SetPasswordForm(Form):
    """A first password (invitation) or a new one (reset link)."""

    password, confirm = _new_password_fields()


class ChangePasswordForm(Form):
    """A new password, given the current one."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    password, confirm = _new_password_fields()


class ForgotPasswordForm(Form):
    """The address to send a reset link to."""

    email = _email_field()


class ProfileForm(Form):
    """One's own name, title and language."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES, validators=[DataRequired()])


class PersonForm(Form):
    """A coordinator's form for inviting a person or editing their details."""

    email = _email_field()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    locale = SelectField(
        _l("Language"), choices=LOCALE_CHOICES, default="fi", validators=[DataRequired()]
    )
    is_coordinator = BooleanField(_l("Coordinator"))
