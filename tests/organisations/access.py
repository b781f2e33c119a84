from tests.access import Case, coordinator_only

NEW_ORGANISATION = {
    "name": "Porin kaupunki",
    "business_id": "0204819-8",
    "kind": "municipality",
    "region": "Satakunta",
}

CASES = [
    Case("GET", "/organisations/", coordinator_only()),
    Case("GET", "/organisations/?q=kunta&kind=municipality&page=2", coordinator_only()),
    Case("GET", "/organisations/new", coordinator_only()),
    Case("POST", "/organisations/new", coordinator_only(302), data=NEW_ORGANISATION),
    Case("GET", "/organisations/{organisation_id}", coordinator_only()),
    Case("GET", "/organisations/999999", coordinator_only(404)),
    Case("GET", "/organisations/{organisation_id}/edit", coordinator_only()),
    Case(
        "POST",
        "/organisations/{organisation_id}/edit",
        coordinator_only(302),
        data=NEW_ORGANISATION,
    ),
]
