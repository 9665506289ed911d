"""Two app processes on one PostgreSQL credit a learner's wall-clock time once."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnpm.extensions import db
from learnpm.hours.models import EngagementClock, HoursEntry
from tests.conftest import DEFAULT_PASSWORD, IS_POSTGRES

pytestmark = pytest.mark.skipif(
    not IS_POSTGRES, reason="needs PostgreSQL: SQLite serves one machine, so two app servers never share it; "
                            "CI runs this on PostgreSQL")

ROOT = Path(__file__).resolve().parents[2]
ROUNDS, GAP = 6, 1.1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(app, imported):
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=app.config["SECRET_KEY"],
               LEARNPM_HEARTBEAT_SECONDS="2", LEARNPM_INSTANCE_PATH=app.instance_path)
    servers = []
    for _ in range(2):
        port = free_port()
        proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                                 "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
        servers.append((proc, f"http://127.0.0.1:{port}"))
    for _proc, url in servers:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/login", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
    yield [url for _, url in servers]
    for proc, _ in servers:
        proc.terminate()
        proc.wait(timeout=10)


def test_parallel_beats_on_two_servers_credit_wall_clock_once(two_servers, learner):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(two_servers[0] + "/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    opener.open(two_servers[0] + "/login", data=urllib.parse.urlencode(
        {"email": learner.email, "password": DEFAULT_PASSWORD, "csrf_token": token}).encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    api_token = re.search(r'name="csrf-token" content="([^"]+)"',
                          opener.open(two_servers[0] + "/").read().decode()).group(1)

    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def tab(base: str) -> None:
        for _ in range(ROUNDS):
            barrier.wait()
            request = urllib.request.Request(  # noqa: S310 (loopback)
                base + "/api/v1/heartbeat", method="POST",
                data=json.dumps({"lesson": "demo/first", "tab": base, "visible": True, "active": True}).encode(),
                headers={"Content-Type": "application/json", "X-CSRFToken": api_token, "Cookie": cookie})
            with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
                statuses.append(response.status)
            time.sleep(GAP)

    started = time.monotonic()
    threads = [threading.Thread(target=tab, args=(url,)) for url in two_servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started - GAP  # the last sleep follows the last beat

    db.session.expire_all()
    clock = db.session.scalar(select(EngagementClock))
    total = clock.open_seconds + (db.session.scalar(select(func.sum(HoursEntry.seconds))) or 0)
    assert statuses == [200] * (2 * ROUNDS)
    # Each round's two simultaneous beats may credit the time since the last round once, never twice.
    assert total <= wall + 0.5, (total, wall)
    assert total >= (ROUNDS - 1) * GAP * 0.5
