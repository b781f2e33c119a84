"""Forms of the submission pages: the draft editor, the file upload, extensions.

The text editor and the upload are separate forms on purpose: a request that is too large
(413) loses its whole body in the browser, so the draft text never travels with the files.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import (
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from academy.assignments.files import ACCEPT, Upload
from academy.assignments.services import MAX_TEXT_LENGTH
from academy.cohorts.schedule import DEADLINE_TIME, HELSINKI
from academy.learning.forms import FIRST_YEAR, LAST_YEAR, ClockField, DayField

#: revisions are counters that fit any integer column
MAX_REVISION = 2**31 - 1


class _TextOnly:
    """A field that refuses a file sent in place of its text."""

    def process_formdata(self, valuelist):
        if any(not isinstance(value, str) for value in valuelist):
            self.data = None
            self.raw_data = []
            raise ValueError(_l("Enter text here, not a file."))
        super().process_formdata(valuelist)


class TextArea(_TextOnly, TextAreaField):
    """Markdown text."""


class Text(_TextOnly, StringField):
    """A line of text."""


class Revision(_TextOnly, IntegerField):
    """The draft revision the editor started from."""


class Posted:
    """The field must be in the request, though it may be empty: a post without the text (or
    with a file in its place) is refused instead of saving an empty draft over the work."""

    field_flags = {}

    def __call__(self, form, field):
        if not field.raw_data:
            raise StopValidation(field.gettext("This field is required."))


class DraftForm(FlaskForm):
    """The draft editor: Markdown text, the revision it is based on, save or submit."""

    text = TextArea(_l("Your answer"), validators=[Posted(), Length(max=MAX_TEXT_LENGTH)])
    revision = Revision(
        validators=[InputRequired(), NumberRange(min=0, max=MAX_REVISION)],
        widget=HiddenField.widget,
    )
    #: "1" when the browser saves in the background (leaving the page, before an upload)
    background = HiddenField()


class UploadForm(FlaskForm):
    """Files for the draft; only files, so that the draft text is never lost with them."""

    files = MultipleFileField(_l("Add files"), render_kw={"accept": ACCEPT, "multiple": True})

    def uploads(self) -> list[Upload]:
        """The files chosen (an empty file input sends a nameless part: left out)."""
        return [
            Upload(stream=item.stream, filename=item.filename or "")
            for item in (self.files.data or [])
            if isinstance(item, FileStorage) and item.filename
        ]


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ExtensionForm(FlaskForm):
    """New dates for one participant or one organisation team (Helsinki time)."""

    who = SelectField(_l("Who"), coerce=int, validators=[DataRequired()], validate_choice=True)
    due_date = DayField(_l("New due date"), validators=[InputRequired()])
    due_time = ClockField(_l("Time"), validators=[Optional()])
    cut_off_date = DayField(_l("New cut-off"), validators=[InputRequired()])
    cut_off_time = ClockField(_l("Time"), validators=[Optional()])
    reason = Text(_l("Reason"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in (self.due_date, self.cut_off_date):
            if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
                field.errors = [
                    *field.errors,
                    _l("Enter a day between %(first)d and %(last)d.", first=FIRST_YEAR,
                       last=LAST_YEAR),
                ]  # fmt: skip
                valid = False
        return valid

    def moment(self, prefix: str) -> datetime:
        day = getattr(self, f"{prefix}_date").data
        at = getattr(self, f"{prefix}_time").data or DEADLINE_TIME
        return datetime.combine(day, at, tzinfo=HELSINKI)
