"""Enrolment from a CSV file: check every row first, then enrol all of them or none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from academy.accounts.models import User, normalise_email
from academy.cohorts.models import Cohort, Membership, Role
from academy.cohorts.services import check_email, require_coordinator
from academy.core.errors import DomainError
from academy.extensions import db
from academy.organisations.models import Organisation
from academy.organisations.services import normalise_business_id

#: the most rows a single enrolment file may carry
MAX_IMPORT_ROWS = 1000

ROLE_WORDS = {
    "participant": Role.participant,
    "osallistuja": Role.participant,
    "deltagare": Role.participant,
    "trainer": Role.trainer,
    "kouluttaja": Role.trainer,
    "utbildare": Role.trainer,
}
IMPORT_COLUMNS = ("email", "name", "title", "business_id", "role")


class ImportRefused(DomainError):
    """An enrolment file had errors; `errors` lists them by row, nothing was saved."""

    def __init__(self, errors: list):
        super().__init__(_l("Nothing was saved: correct the file and try again."), field="file")
        self.errors = errors


#: what the e-mail column may be called in a header row
EMAIL_HEADERS = ("email", "e-mail", "sähköposti", "e-post")


def read_csv(data: bytes | str) -> list[list[str]]:
    """Rows of a CSV file (comma or semicolon, UTF-8 or Windows-1252), without empty rows."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    else:
        text = data.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return rows


@dataclass
class _Planned:
    email: str
    role: Role
    organisation: Organisation | None
    user: User | None
    name: str
    title: str


def import_members(actor, cohort: Cohort, data: bytes | str) -> list[Membership]:
    """Enrol the people of a CSV file: email, name, title, business ID, role.

    Every row is checked before anything is written; any error refuses the whole file with
    a list of errors by row number (the header, when present, is row 1).
    """
    require_coordinator(actor)
    rows = read_csv(data)
    start = 1
    if rows and rows[0] and rows[0][0].strip().lower() in EMAIL_HEADERS:
        rows = rows[1:]
        start = 2
    numbered = [(n, row) for n, row in enumerate(rows, start) if any(row)]
    if not numbered:
        raise ImportRefused([_l("The file has no rows to enrol.")])
    if len(numbered) > MAX_IMPORT_ROWS:
        raise ImportRefused([_l("A file may have at most %(count)s rows.", count=MAX_IMPORT_ROWS)])

    emails = {normalise_email(row[0]) for _, row in numbered if row}
    users = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    members = set(
        db.session.scalars(sa.select(Membership.user_id).where(Membership.cohort_id == cohort.id))
    )
    organisations = {o.business_id: o for o in db.session.scalars(sa.select(Organisation))}

    errors: list = []
    planned: list[_Planned] = []
    seen: dict[str, int] = {}

    def refuse(n: int, message) -> None:
        errors.append(_l("Row %(row)s: %(message)s", row=n, message=message))

    for n, row in numbered:
        if len(row) < len(IMPORT_COLUMNS):
            row = row + [""] * (len(IMPORT_COLUMNS) - len(row))
        if len(row) > len(IMPORT_COLUMNS):
            refuse(n, _l("expected 5 columns: email, name, title, business ID, role."))
            continue
        raw_email, name, title, business_id, raw_role = row
        row_errors = []
        try:
            email = check_email(raw_email)
        except DomainError as error:
            row_errors.append(error.message)
            email = ""
        if email and email in seen:
            row_errors.append(_l("the same e-mail is on row %(row)s.", row=seen[email]))
        elif email:
            seen[email] = n
        role = ROLE_WORDS.get(raw_role.lower())
        if role is None:
            row_errors.append(_l("the role must be participant or trainer."))
        organisation = None
        if business_id:
            try:
                organisation = organisations.get(normalise_business_id(business_id))
            except DomainError as error:
                row_errors.append(error.message)
            else:
                if organisation is None:
                    row_errors.append(
                        _l("no organisation has the business ID %(id)s.", id=business_id)
                    )
        elif role is Role.participant:
            row_errors.append(_l("a participant needs an organisation's business ID."))
        user = users.get(email)
        if user is None and email and not name:
            row_errors.append(_l("enter a name for a person who has no account yet."))
        if user is not None and user.id in members:
            row_errors.append(_l("%(name)s is already in this cohort.", name=user.name))
        if len(name) > 200 or len(title) > 200:
            row_errors.append(_l("the name and title may have at most 200 characters."))
        for message in row_errors:
            refuse(n, message)
        if not row_errors:
            planned.append(_Planned(email, role, organisation, user, name, title))
    if errors:
        raise ImportRefused(errors)

    from academy.accounts.services import invite

    created = []
    for plan in planned:
        user = plan.user or invite(
            actor, email=plan.email, name=plan.name, title=plan.title, locale=cohort.language
        )
        membership = Membership(
            cohort=cohort, user=user, role=plan.role, organisation=plan.organisation
        )
        db.session.add(membership)
        created.append(membership)
    db.session.flush()
    return created
