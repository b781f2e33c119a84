"""Forms for procurement units."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from academy.core.forms import Form
from academy.core.i18n import current_locale
from academy.organisations.models import KIND_LABELS, OrganisationKind
from academy.organisations.services import NATIONWIDE, REGIONS, region_label


def kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]


def kind_filter_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("All kinds")), *kind_choices()]


def region_choices(current: str = "") -> list[SelectChoice]:
    """The regions, "nationwide" and, if the stored value is something else, that value."""
    choices = [
        SelectChoice("", _l("Not given")),
        *(SelectChoice(region, region_label(region, current_locale())) for region in REGIONS),
        SelectChoice(NATIONWIDE, _l("Nationwide")),
    ]
    if current and current not in REGIONS and current != NATIONWIDE:
        choices.append(SelectChoice(current))
    return choices


class OrganisationForm(Form):
    """Name, business ID, kind and region of a procurement unit."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    business_id = StringField(
        _l("Business ID (Y-tunnus)"), validators=[DataRequired(), Length(max=20)]
    )
    kind = SelectField(
        _l("Kind"),
        choices=kind_choices,
        coerce=OrganisationKind,
        validators=[DataRequired()],
    )
    region = SelectField(_l("Region"), choices=[], validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        obj = kwargs.get("obj")
        self.region.choices = region_choices(obj.region if obj is not None else "")


class OrganisationSearchForm(Form):
    """The list's search box and kind filter (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search by name or business ID"), validators=[Length(max=100)])
    kind = SelectField(_l("Kind"), choices=kind_filter_choices, default="")
