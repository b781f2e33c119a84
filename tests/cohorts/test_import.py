"""Enrolment from a CSV file: every row checked, all rows or none."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy.accounts.models import User
from academy.cohorts import enrolment
from academy.cohorts.models import Membership, Role
from academy.extensions import db


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def setting(make):
    coordinator = make.coordinator()
    cohort = make.cohort(language="fi")
    organisation = make.organisation(name="Porin kaupunki", business_id="0204819-8")
    return coordinator, cohort, organisation


def test_file_enrols_existing_and_new_people(setting, make, mailbox):
    coordinator, cohort, organisation = setting
    existing = make.user(email="olemassa@example.org")
    text = (
        "email,name,title,business_id,role\n"
        "Olemassa@Example.org,,,02048198,participant\n"
        "uusi@example.org,Uusi Ihminen,hankintalakimies,0204819-8,osallistuja\n"
        "\n"
        "kouluttaja@example.org,Kaisa Kouluttaja,,,trainer\n"
    )
    created = enrolment.import_members(coordinator, cohort, text.encode("utf-8-sig"))
    assert [(m.user.email, m.role) for m in created] == [
        ("olemassa@example.org", Role.participant),
        ("uusi@example.org", Role.participant),
        ("kouluttaja@example.org", Role.trainer),
    ]
    assert created[0].user is existing
    assert created[1].organisation is organisation
    assert created[1].user.title == "hankintalakimies"
    assert created[2].organisation is None
    assert len(mailbox.messages) == 2


def test_semicolons_and_windows_encoding_are_read(setting):
    coordinator, cohort, _ = setting
    data = "ääkkönen@example.org;Äke Ääkkönen;;0204819-8;participant\n".encode("cp1252")
    [membership] = enrolment.import_members(coordinator, cohort, data)
    assert membership.user.name == "Äke Ääkkönen"


def test_any_wrong_row_saves_nothing_and_errors_are_numbered(setting, make):
    coordinator, cohort, _ = setting
    member = make.participant(cohort, user=make.user(name="Jo Mukana"))
    text = (
        "email,name,title,business_id,role\n"
        "hyva@example.org,Hyvä Ihminen,,0204819-8,participant\n"
        "not-an-address,Joku,,0204819-8,participant\n"
        "osallistuja@example.org,Ilman Organisaatiota,,,participant\n"
        "tuntematon@example.org,Tuntematon Yksikkö,,0204819-7,participant\n"
        "puuttuva@example.org,Puuttuva Yksikkö,,1234567-1,participant\n"
        "rooli@example.org,Väärä Rooli,,,mentor\n"
        "nimeton@example.org,,,,trainer\n"
        f"{member.email},,,,trainer\n"
        "hyva@example.org,Hyvä Taas,,,trainer\n"
    )
    with pytest.raises(enrolment.ImportRefused) as raised:
        enrolment.import_members(coordinator, cohort, text)
    with force_locale("en"):
        errors = [str(e) for e in raised.value.errors]
    joined = "\n".join(errors)
    assert errors[0].startswith("Row 3:")
    assert "Row 2:" not in joined
    for row in (4, 5, 6, 7, 8, 9, 10):
        assert f"Row {row}:" in joined, joined
    assert "Jo Mukana is already in this cohort" in joined
    assert "the same e-mail is on row 2" in joined
    assert _count(Membership) == 1
    assert db.session.scalar(sa.select(User).where(User.email == "hyva@example.org")) is None


def test_empty_file_is_refused(setting):
    coordinator, cohort, _ = setting
    with pytest.raises(enrolment.ImportRefused):
        enrolment.import_members(coordinator, cohort, "email,name,title,business_id,role\n")


def test_too_many_columns_is_refused(setting):
    coordinator, cohort, _ = setting
    with pytest.raises(enrolment.ImportRefused):
        enrolment.import_members(coordinator, cohort, "a@example.org,A,,,trainer,extra\n")
