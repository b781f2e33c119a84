"""Organisation pages through the client: list, search, create, edit, detail."""

from __future__ import annotations

import sqlalchemy as sa

from academy.cohorts.models import Role
from academy.extensions import db
from academy.organisations.models import Organisation, OrganisationKind

FORM = {
    "name": "Porin kaupunki",
    "business_id": " 02048198 ",
    "kind": "municipality",
    "region": "Satakunta",
}


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Organisation.id)))


def test_coordinator_adds_an_organisation(make, login, client):
    login(make.coordinator())
    response = client.post("/organisations/new", data=FORM)
    organisation = db.session.scalar(sa.select(Organisation))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{organisation.id}"
    assert organisation.business_id == "0204819-8"
    assert organisation.kind is OrganisationKind.municipality
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Porin kaupunki" in page and "0204819-8" in page and "Satakunta" in page


def test_invalid_business_id_is_shown_beside_the_field_and_nothing_is_saved(make, login, client):
    login(make.coordinator())
    response = client.post("/organisations/new", data=FORM | {"business_id": "0204819-7"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="business_id-error"' in html
    assert "Enter a valid business ID" in html
    assert 'aria-invalid="true"' in html
    assert _count() == 0


def test_duplicate_business_id_is_shown_beside_the_field(make, login, client):
    make.organisation(name="Porin kaupunki", business_id="0204819-8")
    login(make.coordinator())
    response = client.post("/organisations/new", data=FORM | {"name": "Pori II"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="business_id-error"' in html
    assert "already belongs to Porin kaupunki" in html
    assert _count() == 1


def test_unknown_region_or_kind_is_refused(make, login, client):
    login(make.coordinator())
    response = client.post("/organisations/new", data=FORM | {"region": "Atlantis"})
    assert 'id="region-error"' in response.get_data(as_text=True)
    response = client.post("/organisations/new", data=FORM | {"kind": "empire"})
    assert 'id="kind-error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_coordinator_edits_an_organisation(make, login, client):
    organisation = make.organisation(name="Vanha nimi", region="Lappi")
    login(make.coordinator())
    form = client.get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert 'value="Vanha nimi"' in form
    assert '<option selected value="Lappi">' in form or 'value="Lappi" selected' in form
    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data={
            "name": "Uusi nimi",
            "business_id": organisation.business_id,
            "kind": "state_agency",
            "region": "nationwide",
        },
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert (organisation.name, organisation.kind, organisation.region) == (
        "Uusi nimi",
        OrganisationKind.state_agency,
        "nationwide",
    )


def test_list_searches_and_filters(make, login, client):
    make.organisation(name="Porin kaupunki", business_id="0204819-8")
    make.organisation(name="Hansel Oy", kind=OrganisationKind.central_purchasing_body)
    login(make.coordinator())
    html = client.get("/organisations/").get_data(as_text=True)
    assert "Porin kaupunki" in html and "Hansel Oy" in html
    html = client.get("/organisations/?q=02048198").get_data(as_text=True)
    assert "Porin kaupunki" in html and "Hansel Oy" not in html
    html = client.get("/organisations/?kind=central_purchasing_body").get_data(as_text=True)
    assert "Porin kaupunki" not in html and "Hansel Oy" in html
    html = client.get("/organisations/?q=nobody").get_data(as_text=True)
    assert "No organisation matches the search." in html


def test_list_is_paginated_and_keeps_the_filters(make, login, client):
    for n in range(30):
        make.organisation(name=f"Kunta {n:02d}")
    login(make.coordinator())
    html = client.get("/organisations/?q=kunta").get_data(as_text=True)
    assert "Kunta 24" in html and "Kunta 25" not in html
    assert "page=2" in html and "q=kunta" in html
    html = client.get("/organisations/?q=kunta&page=2").get_data(as_text=True)
    assert "Kunta 25" in html and "Kunta 24" not in html


def test_detail_lists_its_people_per_cohort(make, login, client):
    organisation = make.organisation(name="Porin kaupunki")
    autumn = make.cohort(name="Syksy 2026")
    spring = make.cohort(name="Kevät 2027")
    make.participant(autumn, organisation=organisation, user=make.user(name="Aino Aalto"))
    make.participant(spring, organisation=organisation, user=make.user(name="Bertta Berg"))
    make.trainer(spring, organisation=organisation, user=make.user(name="Cecilia Cox"))
    make.participant(spring, user=make.user(name="Muu Ihminen"))
    login(make.coordinator())
    html = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Syksy 2026" in html and "Kevät 2027" in html
    assert "Aino Aalto" in html and "Bertta Berg" in html and "Cecilia Cox" in html
    assert "Muu Ihminen" not in html
    assert Role.trainer.label in html


def test_unknown_organisation_is_404(make, login, client):
    login(make.coordinator())
    assert client.get("/organisations/12345").status_code == 404
    assert client.get("/organisations/12345/edit").status_code == 404


def test_organisation_list_runs_a_constant_number_of_queries(make, login, client, count_queries):
    login(make.coordinator())

    def queries(n: int) -> int:
        for _ in range(n):
            make.organisation()
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/organisations/").status_code == 200
        return counter.count

    assert queries(3) == queries(27)


def test_organisation_detail_runs_a_constant_number_of_queries(make, login, client, count_queries):
    organisation = make.organisation()
    login(make.coordinator())

    def queries(n: int) -> int:
        for _ in range(n):
            make.participant(make.cohort(), organisation=organisation)
        db.session.commit()
        with count_queries() as counter:
            assert client.get(f"/organisations/{organisation.id}").status_code == 200
        return counter.count

    assert queries(2) == queries(20)


def test_regions_are_named_in_the_readers_language(make, login, client):
    make.organisation(name="Turun kaupunki", region="Varsinais-Suomi")
    coordinator = make.coordinator(locale="sv")
    login(coordinator)
    html = client.get("/organisations/").get_data(as_text=True)
    assert "Egentliga Finland" in html
    form = client.get("/organisations/new").get_data(as_text=True)
    assert '<option value="Uusimaa">Nyland</option>' in form
