"""Forms of the grading pages: the queue's filters, the assessment form, bulk release."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields import IntegerField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from academy.assignments.grading import (
    FEEDBACK_MAX_LENGTH,
    QUEUE_SORTS,
    SCORE_PREFIX,
    QueueState,
    score_field,
)
from academy.assignments.models import OUTCOME_LABELS
from academy.core.forms import Form
from academy.programmes.models import localised


class QueueFilterForm(Form):
    """The queue's filters and sort order, read from the query string.

    Every value is checked against its choices; one that is not among them is ignored (the
    view drops fields with errors), so nothing but an allow-listed name reaches the query.
    """

    class Meta:
        csrf = False

    module = SelectField(_l("Module"), validators=[Optional()])
    assignment = SelectField(_l("Assignment"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()])
    direction = SelectField(_l("Order"), validators=[Optional()])
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=100_000)])

    def set_choices(self, options, locale: str) -> None:
        """Fill the module and assignment menus from the cohort's programme."""
        self.module.choices = [SelectChoice("", _l("All modules"))] + [
            SelectChoice(module.slug, f"{module.position}. {module.title(locale)}")
            for module, _ in options
        ]
        self.assignment.choices = [SelectChoice("", _l("All assignments"))] + [
            SelectChoice(spec.slug, spec.title(locale)) for _, specs in options for spec in specs
        ]
        self.state.choices = [SelectChoice("", _l("All states"))] + [
            SelectChoice(state.value, state.label) for state in QueueState
        ]
        self.sort.choices = [SelectChoice(key, label) for key, label in QUEUE_SORTS.items()]
        self.direction.choices = [
            SelectChoice("asc", _l("Ascending")),
            SelectChoice("desc", _l("Descending")),
        ]

    def value(self, name: str, default=None):
        """The field's value when it is valid and given, else `default`."""
        field = self[name]
        if field.errors or field.data in (None, "", "None"):
            return default
        return field.data


class AssessmentForm(Form):
    """What a trainer writes: the rubric fields are added per assignment by `assessment_form`."""

    #: the version the trainer saw; a newer one makes the post stale
    version = HiddenField(validators=[InputRequired()])
    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
        validators=[Optional()],
    )
    feedback = TextAreaField(
        _l("Written feedback"), validators=[Optional(), Length(max=FEEDBACK_MAX_LENGTH)]
    )
    files = MultipleFileField(_l("Feedback files"))
    remove_files = SelectMultipleField(
        _l("Remove files"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    action = HiddenField()

    def rubric_fields(self):
        """The rubric's fields in the rubric's order."""
        return [self[name] for name in self._rubric_names]


def assessment_form(rubric: list[dict], locale: str, **kwargs) -> AssessmentForm:
    """An AssessmentForm with a radio group per rubric criterion."""

    class _AssessmentForm(AssessmentForm):
        pass

    names = []
    for criterion in rubric:
        name = score_field(criterion["slug"])
        names.append(name)
        setattr(
            _AssessmentForm,
            name,
            RadioField(
                localised(criterion.get("titles"), locale) or criterion["slug"],
                choices=[
                    SelectChoice(
                        level["slug"], localised(level.get("titles"), locale) or level["slug"]
                    )
                    for level in criterion.get("levels", [])
                ],
                # an unknown level reaches the service, which refuses it with a message
                validate_choice=False,
                validators=[Optional()],
            ),
        )
    form = _AssessmentForm(**kwargs)
    form._rubric_names = names
    return form


def posted_scores(formdata) -> dict[str, str]:
    """Every `score-…` value posted, also for criteria the rubric does not have.

    The service, not the form, decides what a valid grade is, so that a made-up criterion or
    level is refused with a message rather than silently dropped.
    """
    return {
        key.removeprefix(SCORE_PREFIX): value
        for key, value in formdata.items()
        if key.startswith(SCORE_PREFIX) and value
    }


class BulkReleaseForm(Form):
    """The assessments ticked in the queue."""

    assessment = SelectMultipleField(coerce=int, validate_choice=False)
