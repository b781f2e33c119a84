"""The deadline rush: 200 participants submit with a file at the same moment.

For each database — a fresh SQLite file in a temporary instance folder, and PostgreSQL (a
database `academy_bench` on 127.0.0.1, user postgres; skipped when the server is away) — it
builds the schema (`academy db upgrade`, or the models' tables when there are no migrations),
seeds a cohort of 200 participants with an individual assignment, serves the app with gunicorn
(2 workers × 4 threads) on a free loopback port and signs everyone in (the CSRF token from
/login, as a browser does). Then it moves the assignment's due date to a moment a few seconds
ahead (cut-off an hour later) and, at that moment, 200 clients at once each save a draft text,
upload a small PDF and press Submit — three POSTs with the CSRF token. Afterwards it counts the
submitted versions in the database.

Per database it prints `db=… stored=… errors=… p50_ms=… p95_ms=…` (the latency of one
participant's three requests together); the last line holds every figure as name=value pairs.
Run: `.venv/bin/python benchmarks/deadline.py [--participants N] [--skip-postgresql]`.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import free_port, prepare_database, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "benchmark password 2026"  # noqa: S105 - a throw-away local database
COHORT = "keino-deadline"
ASSIGNMENT = "impact-goals"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1/postgres"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1/academy_bench"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def business_id(n: int) -> str:
    """A valid Y-tunnus built from a running number."""
    from academy.organisations.services import invented_business_id

    return invented_business_id(1_000_000 + n * 7)


def seed(participants: int) -> None:
    """A cohort of `participants` from 20 organisations and one individual assignment."""
    from academy import create_app
    from academy.accounts.models import User
    from academy.cohorts.models import Cohort, CohortStatus, Membership, Role, ScheduleItem
    from academy.extensions import db
    from academy.organisations.models import Organisation, OrganisationKind
    from academy.programmes.models import (
        AssignmentKind,
        AssignmentSpec,
        Module,
        Programme,
        ProgrammeVersion,
    )

    app = create_app()
    with app.app_context():
        texts = {"fi": "Vaikuttavuustavoitteet", "en": "Impact goals"}
        version = ProgrammeVersion(
            programme=Programme(slug="keino-academy", titles=texts),
            number=1,
            content_hash="d" * 64,
            titles=texts,
            descriptions=texts,
            completion_rule={},
        )
        module = Module(position=1, slug="impact", titles=texts, bodies={"fi": "Teksti."})
        module.assignments.append(
            AssignmentSpec(
                position=1,
                slug=ASSIGNMENT,
                titles=texts,
                instructions={"fi": "Kirjoita organisaatiosi vaikuttavuustavoitteet."},
                kind=AssignmentKind.individual,
                rubric=[],
                peer_review={},
                default_offsets={"due": 14, "cut_off": 21},
            )
        )
        version.modules.append(module)
        db.session.add(version)
        organisations = [
            Organisation(
                name=f"Testilän kunta {n}",
                business_id=business_id(n),
                kind=OrganisationKind.municipality,
                region="Uusimaa",
            )
            for n in range(1, 21)
        ]
        db.session.add_all(organisations)
        db.session.flush()
        cohort = Cohort(
            name="KEINO-akatemia, määräpäivä",
            slug=COHORT,
            starts_on=date.today() - timedelta(days=30),
            ends_on=date.today() + timedelta(days=200),
            status=CohortStatus.active,
            programme_version_id=version.id,
        )
        db.session.add(cohort)
        db.session.flush()
        template = User(email="x@example.org", name="x")
        template.set_password(PASSWORD)  # one hash for all: seeding stays fast
        for n in range(1, participants + 1):
            user = User(
                email=f"osallistuja{n}@example.org",
                name=f"Osallistuja {n}",
                locale="fi",
                password_hash=template.password_hash,
            )
            db.session.add(
                Membership(
                    cohort=cohort,
                    user=user,
                    role=Role.participant,
                    organisation=organisations[n % len(organisations)],
                )
            )
        now = datetime.now(UTC)
        db.session.add(
            ScheduleItem(
                cohort_id=cohort.id,
                assignment_spec_id=module.assignments[0].id,
                opens_at=now - timedelta(days=1),
                due_at=now + timedelta(hours=1),
                cut_off_at=now + timedelta(hours=2),
            )
        )
        db.session.add(ScheduleItem(cohort_id=cohort.id, module_id=module.id, opens_at=now))
        db.session.commit()
        db.engine.dispose()


def set_due(moment: datetime) -> None:
    """Move the assignment's due date to `moment` and its cut-off an hour later."""
    import sqlalchemy as sa

    from academy import create_app
    from academy.cohorts.models import ScheduleItem
    from academy.extensions import db

    app = create_app()
    with app.app_context():
        db.session.execute(
            sa.update(ScheduleItem)
            .where(ScheduleItem.assignment_spec_id.is_not(None))
            .values(due_at=moment, cut_off_at=moment + timedelta(hours=1))
        )
        db.session.commit()
        db.engine.dispose()


def count_versions() -> tuple[int, int, int]:
    """(versions, participants with a version, versions marked late) in the database."""
    import sqlalchemy as sa

    from academy import create_app
    from academy.assignments.models import Submission, SubmissionVersion
    from academy.extensions import db

    app = create_app()
    with app.app_context():
        versions = db.session.scalar(sa.select(sa.func.count(SubmissionVersion.id)))
        authors = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Submission.author_id))).join(
                SubmissionVersion, SubmissionVersion.submission_id == Submission.id
            )
        )
        late = db.session.scalar(
            sa.select(sa.func.count(SubmissionVersion.id)).where(SubmissionVersion.late)
        )
        db.engine.dispose()
    return versions, authors, late


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Participant:
    """One browser: its own cookies, its CSRF token and the draft revision it saw."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.email = email
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.token = ""
        self.revision = "0"

    def request(self, path: str, data: bytes | None = None, headers=None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310 - our own loopback server
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, path: str, fields: dict) -> int:
        data = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        return self.request(path, data)[0]

    def login(self) -> None:
        _status, page = self.request("/login")
        self.token = _token(page)
        status = self.post("/login", {"email": self.email, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {self.email} answered {status}")
        status, page = self.request(f"/cohorts/{COHORT}/assignments/{ASSIGNMENT}")
        if status != 200:
            raise RuntimeError(f"assignment page answered {status}")
        self.token = _token(page)
        self.revision = re.search(rb'name="revision"[^>]*value="(\d+)"', page).group(1).decode()

    def upload(self, path: str, name: str, content: bytes) -> int:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f"{self.token}\r\n--{boundary}\r\n"
                f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(path, body, headers)[0]

    def submit_work(self) -> None:
        """Save the draft, upload a PDF, press Submit: each must answer with a redirect."""
        page = f"/cohorts/{COHORT}/assignments/{ASSIGNMENT}"
        text = f"Vaikuttavuustavoitteet, {self.email}: päästöt −30 % vuoteen 2030."
        status = self.post(page + "/draft", {"text": text, "revision": self.revision})
        if status != 302:
            raise RuntimeError(f"draft {status}")
        status = self.upload(page + "/files", "tavoitteet.pdf", PDF + self.email.encode())
        if status != 302:
            raise RuntimeError(f"upload {status}")
        status = self.post(
            page + "/submit", {"text": text, "revision": str(int(self.revision) + 1)}
        )
        if status != 302:
            raise RuntimeError(f"submit {status}")


def _token(page: bytes) -> str:
    found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    return found.group(1).decode()


def run(db_name: str, env: dict, participants: int) -> dict:
    """One database: schema, seed, serve, sign in, rush, count."""
    os.environ.update(env)
    print(f"{db_name}: preparing", file=sys.stderr)
    prepare_database(env)
    seed(participants)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
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
        people = [
            Participant(base, f"osallistuja{n}@example.org") for n in range(1, participants + 1)
        ]
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(Participant.login, people))
        print(f"{db_name}: {len(people)} signed in", file=sys.stderr)
        due = datetime.now(UTC) + timedelta(seconds=3)
        set_due(due)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        start = threading.Barrier(participants)

        def rush(person: Participant) -> None:
            start.wait()
            time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
            began = time.perf_counter()
            try:
                person.submit_work()
            except Exception as error:  # counted, not fatal: the point is to see them
                with lock:
                    errors.append(f"{person.email}: {error}")
                return
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=participants) as pool:
            list(pool.map(rush, people))
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    versions, authors, late = count_versions()
    for error in errors[:5]:
        print(f"  error: {error}", file=sys.stderr)
    latencies.sort()
    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else 0.0
    print(
        f"  {db_name}: {versions} versions by {authors} participants ({late} marked late) "
        f"in {wall:.1f} s",
        file=sys.stderr,
    )
    return {
        "stored": versions,
        # a participant with two versions would be an error, too
        "errors": len(errors) + (versions - authors),
        "p50_ms": round(p50),
        "p95_ms": round(p95),
    }


def postgres_ready() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS academy_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE academy_bench")
        return True
    except Exception as error:  # no server: say so and go on with SQLite
        print(f"postgresql: not available ({error})", file=sys.stderr)
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--skip-postgresql", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="academy-deadline-") as folder:
        instance = Path(folder)
        databases = [("sqlite", f"sqlite:///{instance / 'academy.sqlite3'}")]
        if not args.skip_postgresql and postgres_ready():
            databases.append(("postgresql", POSTGRES_URL))
        for db_name, url in databases:
            env = {
                **os.environ,
                "ACADEMY_ENV": "development",
                "ACADEMY_INSTANCE_PATH": str(instance / db_name),
                "ACADEMY_DATABASE_URL": url,
                "ACADEMY_UPLOAD_DIR": str(instance / db_name / "uploads"),
                "ACADEMY_MAIL_BACKEND": "log",
                "PYTHONPATH": str(ROOT),
            }
            result = run(db_name, env, args.participants)
            print(
                f"db={db_name} stored={result['stored']} errors={result['errors']} "
                f"p50_ms={result['p50_ms']} p95_ms={result['p95_ms']}",
                flush=True,
            )
            figures.update({f"{db_name}_{key}": value for key, value in result.items()})
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
