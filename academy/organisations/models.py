"""Procurement units: the organisations whose teams take part in cohorts."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from academy.core.db import TimestampMixin, enum_column
from academy.extensions import db


class OrganisationKind(enum.Enum):
    """What kind of procurement unit an organisation is."""

    municipality = "municipality"
    wellbeing_county = "wellbeing_county"
    state_agency = "state_agency"
    central_purchasing_body = "central_purchasing_body"
    municipal_company = "municipal_company"
    parish_union = "parish_union"
    other = "other"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    OrganisationKind.municipality: _l("Municipality"),
    OrganisationKind.wellbeing_county: _l("Wellbeing services county"),
    OrganisationKind.state_agency: _l("State agency"),
    OrganisationKind.central_purchasing_body: _l("Central purchasing body"),
    OrganisationKind.municipal_company: _l("Municipal company"),
    OrganisationKind.parish_union: _l("Parish union"),
    OrganisationKind.other: _l("Other"),
}


class Organisation(TimestampMixin, db.Model):
    """A procurement unit (hankintayksikkö) identified by its Finnish business ID."""

    __tablename__ = "organisations"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: official name, e.g. "Turun kaupunki"
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    #: Y-tunnus in its compact form 1234567-8, validated with python-stdnum
    business_id: orm.Mapped[str] = orm.mapped_column(sa.String(9), unique=True)
    #: municipality, wellbeing services county, …
    kind: orm.Mapped[OrganisationKind] = orm.mapped_column(enum_column(OrganisationKind))
    #: region (maakunta), free text
    region: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")

    def __repr__(self) -> str:
        return f"<Organisation {self.business_id} {self.name}>"
