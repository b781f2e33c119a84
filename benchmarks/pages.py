"""How fast the participant's pages are, next to a trivial page of the same app.

Builds a fresh SQLite database in a temporary instance folder, seeds a cohort of 300
participants from 20 organisations on an eight-module programme with its default schedule,
serves the app with gunicorn (two workers) on a free loopback port, signs a participant in
(with the CSRF token, as a browser does) and measures requests per second for the home page,
a module page and the accessibility statement (same middleware, session and user loading, no
feature queries). The last line printed is

    home_rps=… module_rps=… trivial_rps=… ratio=…

with ratio = home / trivial. Run: `.venv/bin/python benchmarks/pages.py [--requests N]`.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from common import free_port, prepare_database, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "benchmark password 2026"  # noqa: S105 - a throw-away local database
EMAIL = "osallistuja1@example.org"
MODULE_SLUG = "strategic-leadership"

ORGANISATIONS = [
    "Turun kaupunki",
    "Porin kaupunki",
    "Rovaniemen kaupunki",
    "Keravan kaupunki",
    "Iin kunta",
    "Pirkanmaan hyvinvointialue",
    "Keski-Suomen hyvinvointialue",
    "Varsinais-Suomen hyvinvointialue",
    "HUS-yhtymä",
    "Valtori",
    "Maanmittauslaitos",
    "Senaatti-kiinteistöt",
    "Hansel Oy",
    "KL-Kuntahankinnat Oy",
    "Tampereen Tilapalvelut Oy",
    "Oulun kaupunki",
    "Vantaan kaupunki",
    "Lapin hyvinvointialue",
    "Kuopion kaupunki",
    "Jyväskylän kaupunki",
]
MODULES = [
    "kick-off",
    MODULE_SLUG,
    "spend-analysis",
    "knowledge-based-management",
    "risk-management",
    "impact-goals",
    "political-steering",
    "communication",
]

BODY = """# {title}

Hankinnat ovat johtamisen väline. Tässä moduulissa tarkastellaan, miten organisaation
strategia muuttuu **hankintojen vaikuttavuustavoitteiksi** ja miten niiden toteutumista seurataan.

## Miksi tämä on tärkeää

Julkiset hankinnat ovat Suomessa noin 35 miljardia euroa vuodessa. Kun hankinnoille asetetaan
tavoitteita, niiden vaikutukset – päästöt, työllisyys, innovaatiot – tulevat näkyviksi.

## Vaikuttavuus neljässä vaiheessa

1. Tunnista tarve.
2. Aseta vaikuttavuustavoitteet.
3. Määrittele mittarit.
4. Kirjoita ne tarjouspyyntöön.

| Taso | Esimerkki | Mittari |
| --- | --- | --- |
| Strategia | Hiilineutraalius 2030 | Hankintojen päästöt |
| Kategoria | Kuljetukset | Päästöttömien ajoneuvojen osuus |
| Hankinta | Koulukuljetukset | Sähköbussien määrä |

> Hankinta-Suomi (2020) tarjoaa 27 mittaria, joita yksiköt voivat käyttää sellaisenaan.

## Pohdittavaksi

- Mitkä strategian tavoitteet koskevat hankintoja?
- Kuka seuraa niiden toteutumista?
- Miten tulokset raportoidaan johdolle?

[Itsearviointipohja](attachments/maturity-self-assessment.csv)
"""


def business_id(n: int) -> str:
    """A valid Y-tunnus built from a running number."""
    from academy.organisations.services import invented_business_id

    return invented_business_id(1_000_000 + n * 7)


def seed() -> None:
    """300 participants from 20 organisations, 8 modules, the default schedule, a trainer."""
    import sqlalchemy as sa

    from academy import create_app
    from academy.accounts.models import User
    from academy.cohorts.models import Cohort, CohortStatus, Membership, Role
    from academy.cohorts.schedule import create_default_schedule, load_timeline
    from academy.extensions import db
    from academy.learning.models import ModuleCompletion
    from academy.organisations.models import Organisation, OrganisationKind
    from academy.programmes.models import (
        AssignmentKind,
        AssignmentSpec,
        Module,
        Programme,
        ProgrammeVersion,
    )
    from academy.programmes.services import store_file

    app = create_app()
    with app.app_context():

        def texts(text: str) -> dict[str, str]:
            return {"fi": text, "sv": f"{text} (sv)", "en": f"{text} (en)"}

        csv_sha = store_file(b"kysymys;johto;asiantuntijat\nStrategia;3;2\n")
        programme = Programme(slug="keino-academy", titles=texts("KEINO-akatemia"))
        version = ProgrammeVersion(
            programme=programme,
            number=1,
            content_hash="b" * 64,
            titles=programme.titles,
            descriptions=texts("Kehittämisohjelma"),
            completion_rule={"modules": "all", "required_assignments": "accepted"},
        )
        for position, slug in enumerate(MODULES, start=1):
            title = f"Moduuli {position}: {slug.replace('-', ' ').capitalize()}"
            module = Module(
                position=position,
                slug=slug,
                titles=texts(title),
                summaries=texts(f"Tiivistelmä moduulista {position}."),
                bodies={"fi": BODY.format(title=title)},
                objectives={"fi": ["Osaan kuvata vaikuttavuuden johtamisen.", "Osaan mitata."]},
                estimated_hours=6,
                opens_after_days=(position - 1) * 21,
                attachments={"maturity-self-assessment.csv": csv_sha},
            )
            for a in (1, 2):
                module.assignments.append(
                    AssignmentSpec(
                        position=a,
                        slug=f"{slug}-task-{a}",
                        titles=texts(f"Tehtävä {position}.{a}"),
                        instructions={"fi": "Kirjoittakaa **tiiminä** 1–2 sivua."},
                        kind=AssignmentKind.team if a == 2 else AssignmentKind.individual,
                        required=True,
                        rubric=[],
                        peer_review={"reviews_per_submission": 2} if a == 2 else {},
                        default_offsets={"due": 14, "review_due": 21, "cut_off": 28}
                        if a == 2
                        else {"due": 14, "cut_off": 21},
                    )
                )
            version.modules.append(module)
        db.session.add(version)
        organisations = [
            Organisation(
                name=name,
                business_id=business_id(n),
                kind=OrganisationKind.municipality,
                region="Uusimaa",
            )
            for n, name in enumerate(ORGANISATIONS, start=1)
        ]
        db.session.add_all(organisations)
        db.session.flush()
        cohort = Cohort(
            name="KEINO-akatemia syksy 2026",
            slug="keino-2026-autumn",
            starts_on=date.today() - timedelta(days=30),
            ends_on=date.today() + timedelta(days=200),
            language="fi",
            status=CohortStatus.active,
            programme_version_id=version.id,
        )
        db.session.add(cohort)
        db.session.flush()
        participants = []
        for n in range(1, 301):
            user = User(
                email=f"osallistuja{n}@example.org",
                name=f"Osallistuja {n} Testinen",
                title="hankinta-asiantuntija",
                locale="fi",
            )
            if n == 1:
                user.set_password(PASSWORD)
            participants.append(user)
            db.session.add(
                Membership(
                    cohort=cohort,
                    user=user,
                    role=Role.participant,
                    organisation=organisations[n % len(organisations)],
                )
            )
        trainer = User(email="kouluttaja@example.org", name="Kaisa Kouluttaja", locale="fi")
        db.session.add(Membership(cohort=cohort, user=trainer, role=Role.trainer))
        db.session.flush()
        create_default_schedule(cohort)
        first = load_timeline(cohort).modules[0].module
        db.session.add_all(
            ModuleCompletion(membership_id=m.id, module_id=first.id)
            for m in db.session.scalars(
                sa.select(Membership).where(
                    Membership.cohort_id == cohort.id, Membership.role == Role.participant
                )
            )
        )
        db.session.commit()
        db.engine.dispose()


class Browser:
    """A cookie-keeping HTTP client on urllib, shared by the measuring threads."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

    def opener(self):
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, opener=None) -> tuple[int, bytes]:
        with (opener or self.opener()).open(self.base + path, timeout=30) as response:
            return response.status, response.read()

    def login(self, email: str, password: str) -> None:
        _status, page = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if token is None:
            token = re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', page)
        data = urllib.parse.urlencode(
            {"csrf_token": token.group(1).decode(), "email": email, "password": password}
        ).encode()
        with self.opener().open(self.base + "/login", data=data, timeout=30) as response:
            page = response.read()
            if response.url.rstrip("/").endswith("/login"):
                raise RuntimeError("login failed")
        if b"Osallistuja" not in page:
            raise RuntimeError("the home page did not greet the participant")


def measure(browser: Browser, path: str, requests: int, threads: int) -> float:
    """Requests per second for `requests` GETs of `path` spread over `threads` threads."""
    for _ in range(10):  # warm up every worker
        status, _body = browser.get(path)
        assert status == 200, (path, status)
    per_thread = requests // threads
    errors: list[str] = []

    def work():
        opener = browser.opener()
        for _ in range(per_thread):
            status, _body = browser.get(path, opener)
            if status != 200:
                errors.append(f"{path}: {status}")

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[:3])
    return per_thread * threads / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page")
    parser.add_argument("--threads", type=int, default=4, help="concurrent clients")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="academy-bench-") as folder:
        instance = Path(folder)
        env = {
            **os.environ,
            "ACADEMY_ENV": "development",
            "ACADEMY_INSTANCE_PATH": str(instance),
            "ACADEMY_DATABASE_URL": f"sqlite:///{instance / 'academy.sqlite3'}",
            "ACADEMY_UPLOAD_DIR": str(instance / "uploads"),
            "PYTHONPATH": str(ROOT),
        }
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        prepare_database(env)
        seed()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "academy:create_app()",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            wait_until_up(base, server)
            browser = Browser(base)
            browser.login(EMAIL, PASSWORD)
            module_path = f"/cohorts/keino-2026-autumn/modules/{MODULE_SLUG}"
            results = {}
            for name, path in (
                ("home", "/"),
                ("module", module_path),
                ("trivial", "/accessibility"),
            ):
                results[name] = measure(browser, path, args.requests, args.threads)
                print(f"{name:8} {path:55} {results[name]:8.1f} requests/s", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=30)

    ratio = results["home"] / results["trivial"]
    print(
        f"home_rps={results['home']:.1f} module_rps={results['module']:.1f} "
        f"trivial_rps={results['trivial']:.1f} ratio={ratio:.2f}"
    )


if __name__ == "__main__":
    main()
