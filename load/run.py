"""`make load`: a cohort on two app instances over one PostgreSQL, with faults, then a database audit.

200 simulated learners arrive over LOAD_RAMP seconds (default 40: a class logging in at the start of
the hour), log in, read a lesson (heartbeats) and take a mock exam (answer saves), spread over two
gunicorn instances, for LOAD_SECONDS in all (default 100). At 40 % of the run one worker is killed with
SIGKILL; at 65 % PostgreSQL is restarted. Clients retry what was not acknowledged, as the pages'
scripts do. Afterwards the database is checked: every acknowledged answer is stored as acknowledged,
every ledger chain verifies, nobody was credited more than wall-clock time, not one response was a
5xx, and connections dropped only when the worker was killed. Exit 1 when a check fails.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LEARNERS = int(os.environ.get("LOAD_LEARNERS", "200"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "100"))
RAMP = float(os.environ.get("LOAD_RAMP", "40"))
HEARTBEAT = 5
PASSWORD = "load learner passphrase long"
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/learnpm_load")
LESSON = "capm-prep/projects-and-operations"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.kill_window = False
        self.server_errors: list[str] = []     # 5xx responses: none allowed
        self.dropped: list[str] = []           # connections cut outside the killed worker's window

    def record(self, name: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latency[name].append(seconds * 1000)
            self.status[name][status] += 1
            if status == DROPPED and not self.kill_window:
                self.dropped.append(name)
            elif status >= 500 and status != DROPPED:
                self.server_errors.append(f"{name} {status}")


DROPPED = 599  # no HTTP response: the connection was cut (the killed worker's requests)
STATS = Stats()


class Client:
    """One learner's browser: a keep-alive connection to one server, a session cookie, a CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.token = ""

    def request(self, name: str, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.monotonic()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            status, data = DROPPED, b""  # a clean failure the client retries
        STATS.record(name, status, time.monotonic() - started)
        return status, data

    def api(self, name: str, method: str, path: str, payload: dict | None = None) -> tuple[int, dict]:
        status, data = self.request(name, method, path, json.dumps(payload or {}).encode(),
                                    {"Content-Type": "application/json", "X-CSRFToken": self.token})
        try:
            return status, json.loads(data) if data else {}
        except ValueError:
            return status, {}

    def page_token(self, name: str, path: str) -> str:
        """GET a page until it answers, and return its CSRF token."""
        while True:
            status, page = self.request(name, "GET", path)
            token = re.search(rb'name="csrf-token" content="([^"]+)"', page)
            if status == 200 and token:
                return token.group(1).decode()
            time.sleep(1)

    def log_in(self, email: str) -> None:
        """Log in as a browser does, again until the server says yes (a dropped request is retried)."""
        while True:
            self.cookie = ""
            token = self.page_token("login_page", "/login")
            body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
            status, _ = self.request("login", "POST", "/login", body,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
            if status == 302:
                break
            time.sleep(1)
        self.token = self.page_token("catalog", "/")


class Learner(threading.Thread):
    def __init__(self, n: int, port: int, start_at: float, stop_at: float):
        super().__init__(daemon=True)
        self.n, self.port, self.start_at, self.stop_at = n, port, start_at, stop_at
        self.acknowledged: dict[tuple[int, str], object] = {}
        self.beats: list[float] = []
        self.rng = random.Random(n)

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        client = Client(self.port)
        client.log_in(f"load{self.n}@example.com")
        attempt = None
        while attempt is None and time.monotonic() < self.stop_at:
            status, attempt = client.api("start_mock", "POST", "/api/v1/attempts", {"mode": "mock"})
            attempt = attempt if status == 201 else time.sleep(1)
        singles = [q for q in attempt["questions"] if q["type"] == "single"] if attempt else []
        next_beat = time.monotonic() + self.rng.random() * HEARTBEAT
        while time.monotonic() < self.stop_at:
            if time.monotonic() >= next_beat:
                status, _ = client.api("heartbeat", "POST", "/api/v1/heartbeat",
                                       {"lesson": LESSON, "tab": "load", "visible": True, "active": True})
                if status == 200:
                    self.beats.append(time.time())
                next_beat += HEARTBEAT
            elif singles:
                question = self.rng.choice(singles)
                answer = self.rng.choice(question["options"])["id"]
                path = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
                for _retry in range(20):  # the page retries until the server acknowledges
                    status, _ = client.api("answer_save", "PUT", path, {"answer": answer})
                    if status == 200:
                        self.acknowledged[(attempt["id"], question["id"])] = answer
                        break
                    if status in (409, 422):
                        break
                    time.sleep(0.5)
                time.sleep(self.rng.uniform(1.0, 3.0))
            else:
                time.sleep(0.5)


def sh(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=check, capture_output=True, text=True)


def prepare(env: dict) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    name = DATABASE_URL.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    sh(str(BIN / "python"), "-m", "bench.prepare", str(LEARNERS), PASSWORD, "load", env=env)


def start_server(port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
                             "--log-level", "error", "wsgi:app"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def workers_of(proc: subprocess.Popen) -> list[int]:
    text = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text()
    return [int(pid) for pid in text.split()]


def faults(servers: list[subprocess.Popen]) -> list[str]:
    """Kill one worker with SIGKILL at 40 % of the run, restart PostgreSQL at 65 %."""
    log = []
    started = time.monotonic()
    if os.environ.get("LOAD_FAULTS", "1") == "0":
        time.sleep(SECONDS)
        return log
    time.sleep(SECONDS * 0.40)
    victim = workers_of(servers[0])[0]
    STATS.kill_window = True  # the victim's in-flight requests drop: clean failures, retried
    os.kill(victim, signal.SIGKILL)
    log.append(f"{time.monotonic() - started:.0f} s: killed worker {victim} of instance 1 with SIGKILL")
    time.sleep(2)
    STATS.kill_window = False
    time.sleep(max(0.0, started + SECONDS * 0.65 - time.monotonic()))
    cluster = sorted(os.listdir("/etc/postgresql"))[0]
    down = time.monotonic()
    sh("pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart")
    wait_for_postgres()
    log.append(f"{down - started:.0f} s: restarted PostgreSQL {cluster}; accepting connections again after "
               f"{time.monotonic() - down:.1f} s")
    time.sleep(max(0.0, started + SECONDS - time.monotonic()))
    return log


def wait_for_postgres() -> None:
    for _ in range(120):
        if sh("pg_isready", "-h", "127.0.0.1", "-q", check=False).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


def audit(learners: list[Learner], env: dict) -> list[str]:
    import sqlalchemy as sa

    from learnpm.quizzes.presenters import opaque_ids, to_public

    failures = []
    wait_for_postgres()
    engine = sa.create_engine(DATABASE_URL, pool_pre_ping=True)
    with engine.connect() as conn:
        # Answers are stored in the bank's option ids; the learner sent the attempt's opaque ones.
        stored = {(attempt_id, key): to_public(answer, content, opaque_ids(salt, key, content))
                  for attempt_id, key, answer, salt, content in conn.execute(sa.text(
                      "SELECT i.attempt_id, i.question_key, a.answer, t.salt, v.content FROM attempt_answers a "
                      "JOIN attempt_items i ON i.id = a.item_id JOIN attempts t ON t.id = i.attempt_id "
                      "JOIN question_versions v ON v.id = i.version_id"))}
        lost = [(k, v) for learner in learners for k, v in learner.acknowledged.items() if stored.get(k) != v]
        if lost:
            failures.append(f"{len(lost)} acknowledged answers are not stored as acknowledged, e.g. {lost[:3]}")
        credited = dict(conn.execute(sa.text(
            "SELECT u.email, COALESCE(c.ledger_seconds, 0) + COALESCE(c.open_seconds, 0) FROM users u "
            "LEFT JOIN engagement_clocks c ON c.user_id = u.id WHERE u.email LIKE 'load%'")).all())
    engine.dispose()
    for learner in learners:
        if len(learner.beats) >= 2:
            wall = learner.beats[-1] - learner.beats[0]
            total = credited.get(f"load{learner.n}@example.com", 0)
            if total > wall + 2 * HEARTBEAT:
                failures.append(f"load{learner.n} credited {total} s for {wall:.0f} s of reading")
    verify = sh(str(BIN / "learnpm"), "hours", "verify", env=env, check=False)
    if verify.returncode:
        failures.append("ledger chains do not verify: " + verify.stderr[:500])
    if STATS.server_errors:
        failures.append(f"{len(STATS.server_errors)} 5xx responses: {STATS.server_errors[:5]}")
    if STATS.dropped:
        failures.append(f"{len(STATS.dropped)} connections dropped outside the killed worker's window")
    if sum(1 for learner in learners if learner.acknowledged) < len(learners) * 0.9:
        failures.append("fewer than 90 % of the learners got an answer saved: the cohort did not really run")
    return failures


def report(elapsed: float) -> dict:
    out = {}
    for name, values in sorted(STATS.latency.items()):
        values.sort()
        out[name] = {"requests": len(values), "rps": round(len(values) / elapsed, 1),
                     "p50_ms": round(statistics.median(values), 1),
                     "p99_ms": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1),
                     "statuses": dict(sorted(STATS.status[name].items()))}
        print(f"  {name:<12} {out[name]}")
    return out


def machine() -> dict:
    """What the figures were measured on."""
    import platform

    server = sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version", check=False).stdout
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return {"cpus": os.cpu_count(), "memory_gib": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "postgresql": server.strip(), "app_instances": 2,
            "workers_per_instance": 2, "worker_class": "sync"}


def main() -> int:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECRET_KEY="load-" + "k" * 40, LEARNPM_ENV="development",
               LEARNPM_HEARTBEAT_SECONDS=str(HEARTBEAT), REDIS_URL="redis://127.0.0.1:6379/0",
               LEARNPM_INSTANCE_PATH="/tmp/learnpm-load", LEARNPM_LOGIN_ADDRESS_LIMIT="100000 per minute")
    print(f"preparing {LEARNERS} learners on {DATABASE_URL} ...")
    prepare(env)
    ports = [18101, 18102]
    servers = [start_server(port, env) for port in ports]
    try:
        started = time.monotonic()
        stop_at = started + SECONDS
        learners = [Learner(n, ports[n % 2], started + RAMP * n / LEARNERS, stop_at) for n in range(LEARNERS)]
        for learner in learners:
            learner.start()
        fault_log = faults(servers)
        for learner in learners:
            learner.join(timeout=SECONDS + 60)
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    print(f"{LEARNERS} learners for {elapsed:.0f} s on two gunicorn instances (2 workers each), PostgreSQL, Redis")
    for line in fault_log:
        print("  fault:", line)
    figures = report(elapsed)
    failures = audit(learners, env)
    result = {"machine": machine(), "learners": LEARNERS, "ramp_seconds": RAMP, "seconds": round(elapsed),
              "faults": fault_log, "calls": figures, "failures": failures}
    (ROOT / "load" / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    for failure in failures:
        print("FAIL:", failure)
    print("load test passed" if not failures else "load test FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
