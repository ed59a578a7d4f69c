"""The system under load: its database, its data, and the processes (gunicorn, Celery) it starts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# BENCH_SCALE_DATABASE: an engineer sharing the server uses a database of their own.
DB_NAME = os.environ.get("BENCH_SCALE_DATABASE", "raci_bench_scale")
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{SERVER}/{DB_NAME}"
# A Redis database and a queue of the benchmark's own: no other worker on the machine takes its tasks.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
QUEUE = "raci_bench_scale"
PORTS = (8101, 8102)
ORG = "load"


def server_env(mail_dir: str) -> dict[str, str]:
    """Production settings as docker-compose.yml has them, pointed at the benchmark's database."""
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": QUEUE,
        # Throttling counts in Redis, shared by every web process, as in production.
        "CACHE_URL": REDIS_URL,
        "THROTTLE_TOKEN": "10000000/min",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": mail_dir,
        "PYTHONPATH": str(ROOT),
    }


def ensure_database() -> None:
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {DB_NAME}")
    conn.close()


@dataclass
class Fixture:
    token: str
    matrix_id: int
    # (task id, role code) of the cells the PATCHes fight over, and their letters at the start.
    hot: dict[tuple[int, str], str]
    version: int


def build(*, tasks: int, roles: int, hot_tasks: int, hot_roles: int, people: int) -> Fixture:
    """A fresh organization with one published matrix, people with email addresses holding its roles,
    and an API token. Runs in this process (Django set up here, then closed before the servers start)."""
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raci.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from orgs.models import Organization, Person
    from orgs.services import api_token_create, organization_create
    from raci.matrices.models import Assignment, Matrix
    from raci.revisions.services import matrix_publish
    from tests.builders import matrix_build

    # The fixture's own publication runs in this process: its emails go nowhere.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug=ORG).delete()
    user, _ = get_user_model().objects.get_or_create(username="load", defaults={"email": "load@example.com"})
    organization = organization_create(name="Load", slug=ORG, owner=user)
    matrix = matrix_build(
        organization=organization,
        tasks=tasks,
        roles=[f"L{i:02d}" for i in range(roles)],
        name="Load",
        stage_size=20,
        fill="sparse",
    )
    columns = [c.role for c in matrix.columns.select_related("role").order_by("order")]
    staff = Person.objects.bulk_create(
        Person(organization=organization, name=f"Person {i:04d}", email=f"p{i}@example.com")
        for i in range(people)
    )
    Person.roles.through.objects.bulk_create(
        Person.roles.through(person_id=p.pk, role_id=columns[i % len(columns)].pk)
        for i, p in enumerate(staff)
    )
    matrix_publish(matrix=matrix, override_reason="Load benchmark")
    _, key = api_token_create(user=user, name=f"load-{time.time()}")
    task_ids = list(matrix.tasks.order_by("order").values_list("pk", flat=True)[:hot_tasks])
    hot_codes = [c.code for c in columns[:hot_roles]]
    letters = {
        (task_id, code): letters
        for task_id, code, letters in Assignment.objects.filter(
            task_id__in=task_ids, role__code__in=hot_codes, role__organization=organization
        ).values_list("task_id", "role__code", "letters")
    }
    hot = {(t, c): letters.get((t, c), "") for t in task_ids for c in hot_codes}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    version = Matrix.objects.get(pk=matrix.pk).version
    connection.close()
    return Fixture(token=key, matrix_id=matrix.pk, hot=hot, version=version)


@dataclass
class Stack:
    """The processes the benchmark started; ``stop()`` ends exactly those."""

    processes: list[subprocess.Popen] = field(default_factory=list)
    mail_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="raci-load-mail-"))
    log_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="raci-load-log-"))

    def start(self, *, instances: int, web_workers: int, threads: int, celery_workers: int) -> list[str]:
        env = server_env(self.mail_dir)
        self._purge_queue(env)
        urls = []
        for port in PORTS[:instances]:
            self._spawn(
                f"gunicorn-{port}",
                [
                    sys.executable, "-m", "gunicorn", "raci.wsgi:application",
                    "--bind", f"127.0.0.1:{port}",
                    "--workers", str(web_workers),
                    "--worker-class", "gthread", "--threads", str(threads),
                    "--keep-alive", "30",
                ],
                env,
            )  # fmt: skip
            urls.append(f"http://127.0.0.1:{port}")
        for number in range(celery_workers):
            self._spawn(
                f"worker-{number}",
                [
                    sys.executable, "-m", "celery", "-A", "raci", "worker", "--pool=solo",
                    "-Q", QUEUE, "-n", f"load{number}@%h", "--loglevel", "WARNING",
                ],
                env,
            )  # fmt: skip
        for url in urls:
            wait_ready(url)
        return urls

    def _spawn(self, name: str, command: list[str], env: dict) -> None:
        log = open(Path(self.log_dir) / f"{name}.log", "wb")  # noqa: SIM115 - kept open for the process
        self.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )

    def _purge_queue(self, env: dict) -> None:
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "raci", "purge", "-f", "-Q", QUEUE],
            cwd=ROOT, env=env, capture_output=True, check=False,
        )  # fmt: skip

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def cleanup(self) -> None:
        shutil.rmtree(self.mail_dir, ignore_errors=True)


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not become ready in {timeout:.0f} s")


# CPU accounting -------------------------------------------------------------------------------
# The machine is shared, so throughput alone says little: the CPU time each part of the system spends
# per request (from /proc, in clock ticks) does not depend on what else runs.

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def cpu_ms(stack: Stack) -> dict[str, float]:
    """CPU time so far of the web processes, the workers (by the session each was started in) and the
    PostgreSQL backends serving the benchmark's database."""
    sessions = {str(p.pid): ("web" if "gunicorn" in " ".join(p.args) else "workers") for p in stack.processes}
    import psycopg2

    with psycopg2.connect(f"{SERVER}/postgres") as conn, conn.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME])
        backends = {str(row[0]) for row in cursor.fetchall()}
    totals = {"web": 0.0, "workers": 0.0, "postgres": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat(entry)
        if fields is None:
            continue
        # fields[3] is the session id; [11], [12] user and system time.
        part = "postgres" if entry in backends else sessions.get(fields[3])
        if part:
            totals[part] += (int(fields[11]) + int(fields[12])) * TICK_MS
    return totals
