"""The route × role access matrix: every route of the app, every kind of visitor.

Each feature's tests keep a module `tests/<feature>/access.py` with a list `CASES` of `Case`s
(and, when its routes need objects of their own, a function `setup(world)` that adds them to the
world and returns nothing). `tests/test_access.py` runs them all and fails for any route of the
app that no case covers.

URL templates use `{name}` placeholders filled from the world, e.g. "/cohorts/{cohort_slug}".
Expected statuses are given per role; a role left out means 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",  # not signed in
    "outsider",  # participant of another cohort
    "participant",  # participant of the world's cohort (its organisation is `organisation`)
    "other_trainer",  # trainer of another cohort
    "trainer",  # trainer of the world's cohort
    "coordinator",  # programme staff
)


@dataclass(frozen=True)
class Case:
    method: str
    url: str
    expected: dict[str, int] = field(default_factory=dict)
    data: dict | None = None  # form data for POST
    #: expected status for the roles not named in `expected`
    default: int = 404

    def status_for(self, role: str) -> int:
        return self.expected.get(role, self.default)


def everyone(status: int = 200, **overrides: int) -> dict[str, int]:
    """The same status for every role, with exceptions."""
    return {role: status for role in ROLES} | overrides


def signed_in(status: int = 200, **overrides: int) -> dict[str, int]:
    """`status` for every signed-in role; anonymous visitors are sent to the login page."""
    return everyone(status, anonymous=302) | overrides


def coordinator_only(status: int = 200, **overrides: int) -> dict[str, int]:
    """Only coordinators; anonymous visitors to the login page; everyone else 404."""
    return {"anonymous": 302, "coordinator": status} | overrides


def cohort_members(status: int = 200, **overrides: int) -> dict[str, int]:
    """Members of the world's cohort (participant, trainer) and coordinators."""
    return {"anonymous": 302, "participant": status, "trainer": status, "coordinator": status} | (
        overrides
    )


def cohort_staff(status: int = 200, **overrides: int) -> dict[str, int]:
    """The world's cohort's trainer and coordinators."""
    return {"anonymous": 302, "trainer": status, "coordinator": status} | overrides
