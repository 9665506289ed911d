"""`python -m bench.ladder`: price each layer of a heartbeat-shaped request against the bare Flask baseline.

Runs bench/ladder_app.py at each LADDER_LEVEL under the same gunicorn settings and wrk load as
`make bench`, and prints requests per second, the ratio to the baseline measured in the same run and
the p99, for the heartbeat-shaped POST and the lesson-shaped page.
It explains the throughput targets' distance; it writes no results file.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.request
from pathlib import Path

from bench.run import Server, lua_rotation, wrk

PAGE_LEVELS = (2, 3, 5)  # flask-login's template context loads the user, so a page starts at 2
LEVELS = ("Flask, JSON in and out", "+ signed session cookie", "+ flask-login user from SQLite",
          "+ CSRF header check", "+ per-user rate limit", "+ one read and one compare-and-swap write")


def main() -> None:
    baseline = Server("bench.baseline_app:app", dict(os.environ))
    try:
        base = wrk(baseline.url + "/")
    finally:
        baseline.stop()
    print(f"baseline (Flask hello): {base['rps']:.0f} rps; each layer adds to the one above\n"
          "  (page: a 20 KB Jinja page for the logged-in user; at 3 it holds a CSRF token; at 5 it reads thrice)")
    with tempfile.TemporaryDirectory() as tmp:
        for level, label in enumerate(LEVELS):
            env = dict(os.environ, LADDER_LEVEL=str(level), LADDER_DATABASE_URL=f"sqlite:///{tmp}/ladder.sqlite3")
            server = Server("bench.ladder_app:app", env)
            try:
                with urllib.request.urlopen(server.url + "/login") as response:  # noqa: S310 (loopback)
                    cookie = response.headers["Set-Cookie"].split(";")[0]
                    token = json.loads(response.read())["csrf"]
                headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
                script = lua_rotation(Path(tmp) / "beat.lua", "POST",
                                      [("/beat", headers, json.dumps({"visible": True, "active": True}))])
                beat = wrk(server.url, script=script)
                page = wrk(server.url + "/page", cookie) if level in PAGE_LEVELS else None
            finally:
                server.stop()
            print(f"  {level} {label:<42} beat {_figures(beat, base)}"
                  + (f"   page {_figures(page, base)}" if page else ""))


def _figures(measured: dict, base: dict) -> str:
    return f"{measured['rps']:>5.0f} rps {measured['rps'] / base['rps']:.3f} p99 {measured['p99_ms']:>5} ms"


if __name__ == "__main__":
    main()
