"""Organisations: the rules and writes for procurement units."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError
from stdnum.fi import ytunnus

from academy.core.errors import DomainError
from academy.extensions import db
from academy.organisations.models import Organisation, OrganisationKind

#: the regions (maakunnat) of Finland as the select offers them; the column stays free text
REGIONS = (
    "Uusimaa",
    "Varsinais-Suomi",
    "Satakunta",
    "Kanta-Häme",
    "Pirkanmaa",
    "Päijät-Häme",
    "Kymenlaakso",
    "Etelä-Karjala",
    "Etelä-Savo",
    "Pohjois-Savo",
    "Pohjois-Karjala",
    "Keski-Suomi",
    "Etelä-Pohjanmaa",
    "Pohjanmaa",
    "Keski-Pohjanmaa",
    "Pohjois-Pohjanmaa",
    "Kainuu",
    "Lappi",
    "Ahvenanmaa",
)
#: stored value for a unit that works across the whole country
NATIONWIDE = "nationwide"

#: regions by their Swedish names (proper nouns, so not in the message catalogues); English
#: uses the Finnish names but for the two with established English ones
REGION_NAMES = {
    "sv": dict(
        zip(
            REGIONS,
            (
                "Nyland",
                "Egentliga Finland",
                "Satakunta",
                "Egentliga Tavastland",
                "Birkaland",
                "Päijänne-Tavastland",
                "Kymmenedalen",
                "Södra Karelen",
                "Södra Savolax",
                "Norra Savolax",
                "Norra Karelen",
                "Mellersta Finland",
                "Södra Österbotten",
                "Österbotten",
                "Mellersta Österbotten",
                "Norra Österbotten",
                "Kajanaland",
                "Lappland",
                "Åland",
            ),
            strict=True,
        )
    ),
    "en": {"Lappi": "Lapland", "Ahvenanmaa": "Åland"},
}


def invented_business_id(base: int) -> str:
    """A valid Y-tunnus for demo and test data: the first seven-digit base from `base` on that
    has a check digit (python-stdnum decides; some bases have none)."""
    while True:
        digits = f"{base:07d}"
        for check in "0123456789":
            if ytunnus.is_valid(f"{digits}-{check}"):
                return f"{digits}-{check}"
        base += 1


def region_label(region: str | None, locale: str) -> str:
    """A stored region as the reader says it; "nationwide" translated."""
    if not region:
        return ""
    if region == NATIONWIDE:
        return str(_l("Nationwide"))
    return REGION_NAMES.get(locale, {}).get(region, region)


PER_PAGE = 25


def _require_coordinator(actor) -> None:
    if actor is None or not getattr(actor, "is_coordinator", False):
        raise DomainError(_l("Only programme coordinators can manage organisations."))


def normalise_business_id(value: str | None) -> str:
    """The compact form 1234567-8 of a Finnish business ID, or a DomainError.

    Accepts the usual ways people type it: with or without the hyphen, with spaces, with
    an "FI" prefix.
    """
    try:
        return ytunnus.format(ytunnus.validate(value or ""))
    except ValidationError:
        raise DomainError(
            _l("Enter a valid business ID (Y-tunnus) such as 1234567-8; check the last digit."),
            field="business_id",
        ) from None


def by_business_id(business_id: str) -> Organisation | None:
    """The organisation with this business ID (in any typed form), or None."""
    try:
        compact = normalise_business_id(business_id)
    except DomainError:
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.business_id == compact))


def _check(
    name: str, business_id: str, region: str, organisation: Organisation | None
) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Enter the organisation's name."), field="name")
    compact = normalise_business_id(business_id)
    query = sa.select(Organisation).where(Organisation.business_id == compact)
    if organisation is not None and organisation.id is not None:
        query = query.where(Organisation.id != organisation.id)
    existing = db.session.scalar(query)
    if existing is not None:
        raise DomainError(
            _l(
                "The business ID %(business_id)s already belongs to %(name)s.",
                business_id=compact,
                name=existing.name,
            ),
            field="business_id",
        )
    return name, compact, (region or "").strip()


def create_organisation(
    actor, *, name: str, business_id: str, kind: OrganisationKind, region: str = ""
) -> Organisation:
    """Add a procurement unit; its business ID must be valid and not yet in use."""
    _require_coordinator(actor)
    name, compact, region = _check(name, business_id, region, None)
    organisation = Organisation(name=name, business_id=compact, kind=kind, region=region)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(
    actor,
    organisation: Organisation,
    *,
    name: str,
    business_id: str,
    kind: OrganisationKind,
    region: str = "",
) -> Organisation:
    """Change a procurement unit's details under the same rules as at creation."""
    _require_coordinator(actor)
    name, compact, region = _check(name, business_id, region, organisation)
    organisation.name = name
    organisation.business_id = compact
    organisation.kind = kind
    organisation.region = region
    db.session.flush()
    return organisation


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Page:
    """One page of a list, with what the pager needs."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search(
    q: str = "", kind: OrganisationKind | None = None, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """Organisations whose name or business ID contains `q`, by name; two queries per page."""
    conditions = []
    q = (q or "").strip()
    if q:
        name_like = sa.func.lower(Organisation.name).like(f"%{_escape_like(q.lower())}%", "\\")
        # business IDs match with or without the hyphen and spaces people type
        digits = "".join(c for c in q if c.isdigit())
        if digits and len(digits) >= 3:
            id_like = sa.func.replace(Organisation.business_id, "-", "").like(f"%{digits}%")
            conditions.append(sa.or_(name_like, id_like))
        else:
            conditions.append(name_like)
    if kind is not None:
        conditions.append(Organisation.kind == kind)
    total = db.session.scalar(sa.select(sa.func.count(Organisation.id)).where(*conditions)) or 0
    page = max(1, page)
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    items = list(
        db.session.scalars(
            sa.select(Organisation)
            .where(*conditions)
            .order_by(Organisation.name, Organisation.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def all_organisations() -> list[Organisation]:
    """Every organisation by name (for selects)."""
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))
