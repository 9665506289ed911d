"""`make bench`: measure learnpm's hot paths with wrk beside a bare Flask baseline.

Writes bench/results.json afresh. Throughput figures are {"rps", "p50_ms", "p99_ms", "ratio"},
the ratio being requests per second over the baseline's in the same run. With
BENCH_DATABASE_URL=postgresql+psycopg://... the same figures are measured on PostgreSQL too.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = 2
PASSWORD = "bench learner passphrase long"
LEARNERS = 20
LESSON = "capm-prep/projects-and-operations"
# (name in results.json, path measured as the logged-in learner)
PAGES = (
    ("catalog", "/"),
    ("lesson_page", f"/courses/{LESSON}"),
    ("course_page", "/courses/capm-prep"),
)
STORM_LEARNERS = 1000
STORM_SECONDS = float(os.environ.get("BENCH_STORM_SECONDS", "60"))
# A class behind one proxy shares one address: the storm runs with the per-address log-in limit raised so.
STORM_ADDRESS_LIMIT = "2000 per minute"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn on loopback with the settings every measured app shares."""

    def __init__(self, target: str, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(WORKERS), "-k", "sync", "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", target],
            cwd=ROOT, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=1)  # noqa: S310 (loopback)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{target} did not start")

    def worker_rss_mb(self) -> float:
        """Mean resident memory of the workers, in MB."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return round(sum(sizes) / len(sizes), 1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def wrk(url: str, cookie: str = "", script: str | None = None) -> dict:
    args = ["wrk", "-t2", "-c16", f"-d{SECONDS}s", "--latency"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"errors while measuring {url}:\n{out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rps": round(rps, 1), "p50_ms": ms("50"), "p99_ms": ms("99")}


def log_in(base: str, email: str) -> tuple[str, str]:
    """Log in through the form like a browser; return the Cookie header and the page's CSRF token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    page = opener.open(base + "/login", data=body).read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return "; ".join(f"{c.name}={c.value}" for c in jar), token


def api(base: str, method: str, path: str, session: tuple[str, str], body: dict | None = None) -> dict:
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body or {}).encode(),  # noqa: S310
                                     headers={"Content-Type": "application/json", "Cookie": session[0],
                                              "X-CSRFToken": session[1]})
    with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def lua_rotation(path: Path, method: str, requests: list[tuple[str, dict, str]]) -> str:
    """Write a wrk script that cycles through (path, headers, body) requests."""
    rows = []
    for url_path, headers, body in requests:
        header_lua = ", ".join(f'["{k}"] = {json.dumps(v)}' for k, v in headers.items())
        rows.append(f"  {{{json.dumps(url_path)}, {{{header_lua}}}, {json.dumps(body)}}}")
    path.write_text("local requests = {\n" + ",\n".join(rows) + "\n}\n"
                    "local i = 0\n"
                    "request = function()\n"
                    "  i = i % #requests + 1\n"
                    "  local r = requests[i]\n"
                    f'  return wrk.format("{method}", r[1], r[2], r[3])\n'
                    "end\n"
                    "local shown = 0\n"
                    "response = function(status, headers, body)\n"
                    "  if status >= 300 and shown < 3 then shown = shown + 1; print(status, body) end\n"
                    "end\n")
    return str(path)


def prepare_database(env: dict) -> None:
    subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "prepare.py"), str(LEARNERS), PASSWORD], env=env,
                   cwd=ROOT, check=True, capture_output=True)
    subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "prepare.py"), str(STORM_LEARNERS), PASSWORD, "storm",
                    "--no-content"], env=env, cwd=ROOT, check=True, capture_output=True)


def login_storm(base: str) -> dict:
    """STORM_LEARNERS learners log in at an even pace over STORM_SECONDS, each as a browser does: the log-in
    page, then the form. The figure is the time from the first request to the redirect, per learner."""
    from concurrent.futures import ThreadPoolExecutor
    from http.client import HTTPConnection

    host, port = urllib.parse.urlsplit(base).netloc.split(":")

    def one(i: int) -> float | None:
        time.sleep(max(0.0, start + i * STORM_SECONDS / STORM_LEARNERS - time.monotonic()))
        began = time.monotonic()
        try:
            conn = HTTPConnection(host, int(port), timeout=60)
            conn.request("GET", "/login")
            page = conn.getresponse()
            body = page.read().decode()
            cookie = page.getheader("Set-Cookie", "").split(";")[0]
            token = re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)
            form = urllib.parse.urlencode({"email": f"storm{i}@example.com", "password": PASSWORD,
                                           "csrf_token": token})
            conn.request("POST", "/login", body=form, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            answer = conn.getresponse()
            answer.read()
            conn.close()
            return (time.monotonic() - began) * 1000 if answer.status == 302 else None
        except (OSError, AttributeError):
            return None

    start = time.monotonic() + 0.5
    with ThreadPoolExecutor(max_workers=400) as pool:
        times = list(pool.map(one, range(STORM_LEARNERS)))
    done = sorted(t for t in times if t is not None)

    def pct(p: float) -> float:
        return round(done[min(len(done) - 1, int(p * len(done)))], 1) if done else None

    return {"learners": STORM_LEARNERS, "seconds": STORM_SECONDS, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "errors": STORM_LEARNERS - len(done), "address_limit": STORM_ADDRESS_LIMIT}


def measure_app(database_url: str | None, baseline_rps: float, workdir: Path) -> dict:
    env = dict(os.environ, SECRET_KEY="bench-" + "k" * 40, LEARNPM_INSTANCE_PATH=str(workdir),
               LEARNPM_ENV="development", LEARNPM_HEARTBEAT_LIMIT="100000 per second",
               LEARNPM_ANSWER_LIMIT="100000 per second", LEARNPM_ATTEMPT_LIMIT="100000 per minute",
               LEARNPM_LOGIN_ADDRESS_LIMIT=STORM_ADDRESS_LIMIT)
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
        reset_postgres(database_url)
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    prepare_database(env)
    server = Server("wsgi:app", env)
    try:
        sessions = [log_in(server.url, f"bench{i}@example.com") for i in range(LEARNERS)]
        results = {}

        def record(name: str, figures: dict) -> None:
            figures["ratio"] = round(figures["rps"] / baseline_rps, 3)
            results[name] = figures
            print(f"  {name:<12} {figures}")

        for name, path in PAGES:
            record(name, wrk(server.url + path, sessions[0][0]))
        json_headers = [{"Cookie": c, "X-CSRFToken": t, "Content-Type": "application/json"} for c, t in sessions]
        beat = json.dumps({"lesson": LESSON, "tab": "bench", "visible": True, "active": True})
        script = lua_rotation(workdir / "heartbeat.lua", "POST",
                              [("/api/v1/heartbeat", headers, beat) for headers in json_headers])
        record("heartbeat", wrk(server.url, script=script))
        saves = []
        for session, headers in zip(sessions, json_headers, strict=True):
            attempt = api(server.url, "POST", "/api/v1/attempts", session, {"mode": "practice", "domain": "agile",
                                                                            "count": 20})
            for question in attempt["questions"]:
                if question["type"] == "single":
                    body = json.dumps({"answer": question["options"][0]["id"], "flagged": False})
                    saves.append((f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", headers, body))
        script = lua_rotation(workdir / "answer.lua", "PUT", saves)
        record("answer_save", wrk(server.url, script=script))
        # Each learner reopens their open 150-question mock: the page carries its questions (no other request).
        mocks = [api(server.url, "POST", "/api/v1/attempts", session, {"mode": "mock"}) for session in sessions]
        pages = [(f"/attempts/{mock['id']}", {"Cookie": cookie}, "") for mock, (cookie, _) in
                 zip(mocks, sessions, strict=True)]
        for _ in range(8):  # "reopened": each worker has shown each page before (its questions are built)
            for path, headers, _ in pages:
                urllib.request.urlopen(urllib.request.Request(server.url + path, headers=headers)).read()  # noqa: S310
        script = lua_rotation(workdir / "attempt.lua", "GET", pages)
        record("attempt_page", wrk(server.url, script=script))
        results["login_storm"] = login_storm(server.url)
        print(f"  login_storm  {results['login_storm']}")
        results["rss_mb"] = server.worker_rss_mb()
        return results
    finally:
        server.stop()


def reset_postgres(url: str) -> None:
    """Empty the bench database's public schema, creating the database first if the server lacks it."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "seconds_per_run": SECONDS, "workers": WORKERS, "connections": 16}}
    baseline_server = Server("bench.baseline_app:app", dict(os.environ))
    try:
        results["baseline"] = wrk(baseline_server.url + "/")
        print(f"  baseline     {results['baseline']}")
    finally:
        baseline_server.stop()
    baseline_rps = results["baseline"]["rps"]

    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:")
        results.update(measure_app(None, baseline_rps, Path(tmp)))
    pg_url = os.environ.get("BENCH_DATABASE_URL")
    if pg_url:
        with tempfile.TemporaryDirectory() as tmp:
            print("PostgreSQL:")
            results["postgresql"] = measure_app(pg_url, baseline_rps, Path(tmp))
    results["rss_mb"] = results.pop("rss_mb")

    from bench.cohort import cohort_report_ms
    from bench.timings import certificate_pdf_ms, grade_mock_ms

    results["grade_mock_ms"] = grade_mock_ms()
    results["certificate_pdf_ms"] = certificate_pdf_ms()
    results["cohort_report_ms"] = cohort_report_ms()
    if pg_url:
        results["postgresql"]["grade_mock_ms"] = grade_mock_ms(pg_url)
        results["postgresql"]["cohort_report_ms"] = cohort_report_ms(pg_url)
        # PRODUCT.md puts every figure under "postgresql" too; a certificate touches no database, so this is
        # the same work measured again (not a copy of the SQLite figure).
        results["postgresql"]["certificate_pdf_ms"] = certificate_pdf_ms()
    print(f"  grade_mock_ms {results['grade_mock_ms']}  certificate_pdf_ms {results['certificate_pdf_ms']}  "
          f"cohort_report_ms {results['cohort_report_ms']}")
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
