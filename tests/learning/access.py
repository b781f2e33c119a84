"""Access cases for the learning routes: schedule, modules, attachments, calendar."""

from __future__ import annotations

from datetime import timedelta

from academy.cohorts.schedule import create_default_schedule, load_timeline
from academy.core.db import utcnow
from academy.programmes.services import store_file
from tests.access import Case, cohort_members, coordinator_only, everyone, signed_in

SCHEDULE = "/cohorts/{cohort_slug}/schedule"
MODULES = "/cohorts/{cohort_slug}/modules"
OPEN = MODULES + "/{module_slug}"
NOT_OPEN = MODULES + "/{closed_module_slug}"
#: completion is for the cohort's participants; its trainer and coordinators may see the module
#: but not complete it
PARTICIPANTS_ONLY = {"anonymous": 302, "participant": 302, "trainer": 403, "coordinator": 403}


def setup(world, make) -> None:
    """Pin a two-module programme to the world's cohort: module 1 is open, module 2 is not."""
    version = make.programme_version(modules=2)
    world.cohort.programme_version_id = version.id
    create_default_schedule(world.cohort)
    timeline = load_timeline(world.cohort)
    first, second = timeline.modules
    first.item.opens_at = utcnow() - timedelta(days=1)
    second.item.opens_at = utcnow() + timedelta(days=30)
    attachment = {"pohja.csv": store_file(b"a;b\n")}
    first.module.attachments = attachment
    second.module.attachments = attachment
    world.module_slug = first.module.slug
    world.closed_module_slug = second.module.slug
    world.attachment_name = "pohja.csv"
    world.calendar_token = world.participant.calendar_token


CASES = [
    Case("GET", SCHEDULE, cohort_members()),
    # An empty form: the coordinator gets the form back with its errors.
    Case("POST", SCHEDULE, coordinator_only(422), data={}),
    Case("POST", SCHEDULE + "/defaults", coordinator_only(302)),
    Case("GET", MODULES, cohort_members()),
    Case("GET", OPEN, cohort_members()),
    Case("GET", NOT_OPEN, cohort_members()),
    Case("GET", MODULES + "/no-such-module", {"anonymous": 302}),
    Case("POST", OPEN + "/complete", PARTICIPANTS_ONLY),
    Case("POST", NOT_OPEN + "/complete", PARTICIPANTS_ONLY),
    Case("POST", OPEN + "/complete/undo", PARTICIPANTS_ONLY),
    Case("GET", OPEN + "/attachments/{attachment_name}", cohort_members()),
    Case("GET", OPEN + "/attachments/other.pdf", {"anonymous": 302}),
    Case(
        "GET",
        NOT_OPEN + "/attachments/{attachment_name}",
        {"anonymous": 302, "trainer": 200, "coordinator": 200},
    ),
    Case("GET", "/calendar/{calendar_token}.ics", everyone()),
    Case("GET", "/calendar/unknown.ics", everyone(404)),
    Case("POST", "/calendar/renew", signed_in(302)),
]
