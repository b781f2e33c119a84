"""Forms for the schedule editor and the small buttons of module pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, TimeField
from wtforms.validators import Optional

from academy.cohorts.schedule import (
    ASSIGNMENT_DATES,
    DEADLINE_TIME,
    HELSINKI,
    OPENING_TIME,
    AssignmentDates,
    Timeline,
    field_name,
    helsinki_local,
)

#: the years a schedule may use (and that convert between time zones without overflowing)
FIRST_YEAR, LAST_YEAR = 2000, 2100


class _TextOnly:
    """A field that refuses anything but text (a file sent in its place, say) as invalid."""

    def process_formdata(self, valuelist):
        if any(not isinstance(value, str) for value in valuelist):
            self.data = None
            self.raw_data = []  # nothing of it is shown again in the form
            raise ValueError(_l("Enter a day or a time of day, not a file."))
        super().process_formdata(valuelist)


class DayField(_TextOnly, DateField):
    """A day, as `<input type="date">` sends it."""


class ClockField(_TextOnly, TimeField):
    """A time of day, as `<input type="time">` sends it."""


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


DATE_LABELS = {
    "opens_at": _l("Opens"),
    "due_at": _l("Due"),
    "review_due_at": _l("Peer reviews due"),
    "cut_off_at": _l("Cut-off"),
}


@dataclass(frozen=True)
class DateSlot:
    """One date of the schedule as a pair of inputs: a day and a time of day (Helsinki)."""

    name: str
    #: what is dated, e.g. "Assignment 1.1"
    subject: str
    #: which of its dates, e.g. "opens_at"
    attr: str
    #: the time taken when only the day is given
    default_time: time


class ScheduleForm(FlaskForm):
    """The dates of a cohort's modules and assignments; a pair of fields per date."""

    slots: list[DateSlot]

    def date_field(self, slot: DateSlot):
        return self[f"{slot.name}_date"]

    def time_field(self, slot: DateSlot):
        return self[f"{slot.name}_time"]

    def moment(self, slot: DateSlot) -> datetime | None:
        """The UTC moment the pair of fields gives, or None when the day is empty."""
        day, at = self.date_field(slot).data, self.time_field(slot).data
        if day is None:
            return None
        return datetime.combine(day, at or slot.default_time, tzinfo=HELSINKI)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for slot in self.slots:
            date_field, time_field = self.date_field(slot), self.time_field(slot)
            if date_field.data is not None and not FIRST_YEAR <= date_field.data.year <= LAST_YEAR:
                date_field.errors = [
                    *date_field.errors,
                    _l(
                        "Enter a day between %(first)d and %(last)d.",
                        first=FIRST_YEAR,
                        last=LAST_YEAR,
                    ),
                ]
                valid = False
            if date_field.data is None and time_field.data is not None and not date_field.errors:
                date_field.errors = [*date_field.errors, _l("Enter the day as well as the time.")]
                valid = False
        return valid

    def module_openings(self, timeline: Timeline) -> dict[int, datetime | None]:
        return {
            entry.module.id: self.moment(self.slot("module", entry.module.id, "opens_at"))
            for entry in timeline.modules
        }

    def assignment_dates(self, timeline: Timeline) -> dict[int, AssignmentDates]:
        return {
            a.spec.id: AssignmentDates(
                **{
                    attr: self.moment(self.slot("assignment", a.spec.id, attr))
                    for attr in ASSIGNMENT_DATES
                }
            )
            for entry in timeline.modules
            for a in entry.assignments
        }

    def slot(self, kind: str, ident: int, attr: str) -> DateSlot:
        return self._slots_by_name[field_name(kind, ident, attr)]

    def field_for_error(self, name: str):
        """The input beside which an error about the date `name` is shown."""
        return self._fields.get(f"{name}_date")


def schedule_form(timeline: Timeline, locale: str) -> ScheduleForm:
    """A form with a day and a time input for every date of the timeline, filled with its dates."""
    attrs: dict = {}
    data: dict = {}
    slots: list[DateSlot] = []

    def add(kind: str, ident: int, attr: str, subject: str, current: datetime | None) -> None:
        name = field_name(kind, ident, attr)
        default_time = OPENING_TIME if attr == "opens_at" else DEADLINE_TIME
        slot = DateSlot(name=name, subject=subject, attr=attr, default_time=default_time)
        what = DATE_LABELS[attr]
        attrs[f"{name}_date"] = DayField(
            _l("%(subject)s: %(what)s, day", subject=subject, what=what),
            validators=[Optional()],
        )
        attrs[f"{name}_time"] = ClockField(
            _l("%(subject)s: %(what)s, time", subject=subject, what=what),
            validators=[Optional()],
        )
        local = helsinki_local(current)
        data[f"{name}_date"] = local.date() if local else None
        data[f"{name}_time"] = local.time().replace(tzinfo=None) if local else None
        slots.append(slot)

    for entry in timeline.modules:
        add("module", entry.module.id, "opens_at", entry.module.title(locale), entry.opens_at)
        for a in entry.assignments:
            for attr in ASSIGNMENT_DATES:
                add("assignment", a.spec.id, attr, a.spec.title(locale), a.date(attr))

    form_class = type("BoundScheduleForm", (ScheduleForm,), attrs)
    form = form_class(data=data)
    form.slots = slots
    form._slots_by_name = {slot.name: slot for slot in slots}
    return form
