"""Organisations: business IDs, uniqueness, search."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy.core.errors import DomainError
from academy.extensions import db
from academy.organisations import services
from academy.organisations.models import Organisation, OrganisationKind


def _create(actor, **fields) -> Organisation:
    fields = {
        "name": "Porin kaupunki",
        "business_id": "0204819-8",
        "kind": OrganisationKind.municipality,
        "region": "Satakunta",
        **fields,
    }
    return services.create_organisation(actor, **fields)


@pytest.mark.parametrize("typed", ["0204819-8", " 02048198 ", "0204819 - 8", "FI02048198"])
def test_business_id_is_normalised_and_validated(typed):
    assert services.normalise_business_id(typed) == "0204819-8"


@pytest.mark.parametrize("typed", ["0204819-7", "020481", "abcdefg-h", "", None])
def test_invalid_business_id_is_refused_beside_its_field(typed):
    with pytest.raises(DomainError) as raised:
        services.normalise_business_id(typed)
    assert raised.value.field == "business_id"


def test_organisation_is_stored_with_compact_business_id(make):
    organisation = _create(make.coordinator(), business_id=" 02048198 ", name="  Porin kaupunki ")
    assert organisation.business_id == "0204819-8"
    assert organisation.name == "Porin kaupunki"


def test_duplicate_business_id_is_refused(make):
    coordinator = make.coordinator()
    _create(coordinator)
    with pytest.raises(DomainError) as raised:
        _create(coordinator, name="Toinen", business_id="02048198")
    assert raised.value.field == "business_id"
    with force_locale("en"):
        assert "Porin kaupunki" in str(raised.value.message)
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1


def test_an_organisation_keeps_its_own_business_id_when_edited(make):
    coordinator = make.coordinator()
    organisation = _create(coordinator)
    services.update_organisation(
        coordinator,
        organisation,
        name="Porin kaupunki (Pori)",
        business_id="0204819-8",
        kind=OrganisationKind.municipality,
        region="nationwide",
    )
    assert organisation.name == "Porin kaupunki (Pori)"
    assert organisation.region == "nationwide"


def test_editing_to_another_units_business_id_is_refused(make):
    coordinator = make.coordinator()
    taken = make.organisation()
    organisation = _create(coordinator)
    with pytest.raises(DomainError):
        services.update_organisation(
            coordinator,
            organisation,
            name="Porin kaupunki",
            business_id=taken.business_id,
            kind=OrganisationKind.municipality,
        )


def test_only_coordinators_manage_organisations(make):
    with pytest.raises(DomainError):
        _create(make.user())


def test_search_matches_name_and_business_id_and_filters_by_kind(make):
    pori = make.organisation(name="Porin kaupunki", business_id="0204819-8")
    make.organisation(name="Turun kaupunki")
    hansel = make.organisation(name="Hansel Oy", kind=OrganisationKind.central_purchasing_body)
    assert services.search("porin").items == [pori]
    assert services.search("02048198").items == [pori]
    assert services.search("0204819-8").items == [pori]
    assert len(services.search("kaupunki").items) == 2
    assert services.search("", OrganisationKind.central_purchasing_body).items == [hansel]
    assert services.search("%").items == []


def test_search_pages(make):
    for n in range(7):
        make.organisation(name=f"Kunta {n}")
    result = services.search(page=2, per_page=3)
    assert [o.name for o in result.items] == ["Kunta 3", "Kunta 4", "Kunta 5"]
    assert (result.total, result.pages, result.has_prev, result.has_next) == (7, 3, True, True)
    assert services.search(page=99, per_page=3).page == 3
