"""Forms for cohorts and their members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from academy.cohorts.models import ROLE_LABELS, STATUS_LABELS
from academy.core.forms import Form

LANGUAGE_CHOICES = [
    SelectChoice("fi", _l("Finnish")),
    SelectChoice("sv", _l("Swedish")),
    SelectChoice("en", _l("English")),
]


def _optional_int(value):
    """ "" and None mean "none chosen"; anything else must be a whole number."""
    if value in ("", None):
        return None
    return int(value)


def organisation_choices(organisations) -> list[SelectChoice]:
    return [
        SelectChoice("", _l("None")),
        *(SelectChoice(str(o.id), f"{o.name} ({o.business_id})") for o in organisations),
    ]


def status_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("All statuses")),
        *(SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()),
    ]


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class CohortForm(Form):
    """Name, web address, dates and language of a cohort."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address"), validators=[Optional(), Length(max=100)])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    language = SelectField(_l("Language of teaching"), choices=LANGUAGE_CHOICES)
    programme_version_id = SelectField(_l("Programme"), coerce=_optional_int, default="")


def programme_version_choices(versions, *, allow_none: bool) -> list[SelectChoice]:
    """The programme versions a cohort can follow, newest first."""
    from academy.core.i18n import current_locale

    choices = [SelectChoice("", _l("None yet"))] if allow_none else []
    for version in versions:
        label = _l(
            "%(title)s, version %(number)s",
            title=version.title(current_locale()),
            number=version.number,
        )
        choices.append(SelectChoice(str(version.id), label))
    return choices


class ProgrammeVersionForm(Form):
    """The programme version a cohort follows."""

    programme_version_id = SelectField(
        _l("Programme version"), coerce=_optional_int, validators=[InputRequired()]
    )


class StatusFilterForm(Form):
    """The status filter of the cohort list (GET, no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=status_choices, default="")


class MemberForm(Form):
    """A person's role and organisation in a cohort."""

    role = RadioField(_l("Role"), choices=role_choices, validators=[InputRequired()])
    organisation_id = SelectField(
        _l("Organisation"), coerce=_optional_int, choices=[], validate_choice=True
    )

    def set_organisations(self, organisations) -> None:
        self.organisation_id.choices = organisation_choices(organisations)


class AddMemberForm(MemberForm):
    """Add someone by e-mail; name and title are needed only for a new person."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])


class ImportForm(Form):
    """A CSV file of people to enrol, or the same rows pasted as text."""

    file = FileField(_l("CSV file"))
    text = TextAreaField(_l("Or paste the rows"), validators=[Optional(), Length(max=200_000)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.file.data and not (self.text.data or "").strip():
            self.file.errors.append(_l("Choose a file or paste the rows."))
            return False
        return True
