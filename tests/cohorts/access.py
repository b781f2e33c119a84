from tests.access import Case, cohort_members, coordinator_only, signed_in

NEW_COHORT = {
    "name": "KEINO-akatemia syksy 2027",
    "slug": "",
    "starts_on": "2027-09-01",
    "ends_on": "2028-05-31",
    "language": "fi",
}

CASES = [
    Case("GET", "/cohorts/", signed_in()),
    Case("GET", "/cohorts/?status=active", signed_in()),
    Case("GET", "/cohorts/new", coordinator_only()),
    Case("POST", "/cohorts/new", coordinator_only(302), data=NEW_COHORT),
    Case("GET", "/cohorts/{cohort_slug}", cohort_members()),
    Case(
        "GET",
        "/cohorts/other-cohort",
        {"anonymous": 302, "outsider": 200, "other_trainer": 200, "coordinator": 200},
    ),
    Case("GET", "/cohorts/no-such-cohort", coordinator_only(404)),
    Case("GET", "/cohorts/{cohort_slug}/edit", coordinator_only()),
    Case("POST", "/cohorts/{cohort_slug}/edit", coordinator_only(302), data=NEW_COHORT),
    Case(
        "POST",
        "/cohorts/{cohort_slug}/programme",
        coordinator_only(422),
        data={"programme_version_id": "0"},
    ),
    Case("POST", "/cohorts/{cohort_slug}/status", coordinator_only(302), data={"status": "closed"}),
    Case("GET", "/cohorts/{cohort_slug}/members", coordinator_only()),
    Case(
        "POST",
        "/cohorts/{cohort_slug}/members",
        coordinator_only(302),
        data={"email": "uusi.henkilo@example.org", "role": "trainer", "name": "Uusi Henkilö"},
    ),
    Case("GET", "/cohorts/{cohort_slug}/members/import", coordinator_only()),
    Case(
        "POST",
        "/cohorts/{cohort_slug}/members/import",
        coordinator_only(302),
        data={"text": "uusi.henkilo@example.org,Uusi Henkilö,,,trainer"},
    ),
    Case("GET", "/cohorts/{cohort_slug}/members/{participant_id}", coordinator_only()),
    Case(
        "POST",
        "/cohorts/{cohort_slug}/members/{participant_id}",
        coordinator_only(302),
        data={"role": "trainer", "organisation_id": ""},
    ),
    Case("GET", "/cohorts/other-cohort/members/{participant_id}", coordinator_only(404)),
    Case("POST", "/cohorts/{cohort_slug}/members/{participant_id}/remove", coordinator_only(302)),
]
