"""The cohort report's timing: the instructor's first page, default sort, on 5,000 learners and 100,000 attempts.

    from bench.cohort import cohort_report_ms
    cohort_report_ms()                                         # SQLite in a temporary folder
    cohort_report_ms("postgresql+psycopg://.../learnpm_bench")  # DROPS and rebuilds that database's public schema

`python bench/cohort.py [URL]` prints the figure with a few others (sorted by readiness, page 50, CSV).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cohort_data import COURSE, INSTRUCTOR_EMAIL, PASSWORD, generate, make_app  # noqa: E402
from bench.timings import median_ms  # noqa: E402

COHORT = f"/instructor/courses/{COURSE}/cohort"


def _median_ms(client, path: str, runs: int) -> float:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return median_ms(lambda: client.get(path), runs)


def cohort_timings(database_url: str | None = None, runs: int = 15, paths: dict[str, str] | None = None,
                   learners: int = 5_000, attempts: int = 100_000) -> dict:
    """Generate the data set at `database_url` (a temporary SQLite file when None) and time report pages."""
    paths = paths or {"cohort_report_ms": COHORT}
    with tempfile.TemporaryDirectory(prefix="learnpm-cohort-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'cohort.sqlite3'}"
        built = generate(url, learners=learners, attempts=attempts, instance=tmp)
        app = make_app(url, tmp)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        login = client.post("/login", data={"email": INSTRUCTOR_EMAIL, "password": PASSWORD, "csrf_token": token})
        if login.status_code != 302:
            raise RuntimeError("the bench instructor could not log in")
        figures = {name: _median_ms(client, path, runs) for name, path in paths.items()}
        with app.app_context():
            from learnpm.extensions import db

            db.engine.dispose()
    return {"data": built, **figures}


def cohort_report_ms(database_url: str | None = None, runs: int = 15) -> float:
    """Return the median milliseconds of the cohort report's first page (default sort) on the generated set."""
    return cohort_timings(database_url, runs)["cohort_report_ms"]


if __name__ == "__main__":
    print(cohort_timings(sys.argv[1] if len(sys.argv) > 1 else None, paths={
        "cohort_report_ms": COHORT, "sorted_by_readiness_ms": COHORT + "?sort=readiness&dir=desc",
        "page_50_ms": COHORT + "?page=50", "filtered_ms": COHORT + "?below_target=1&inactive=1&q=garc",
        "cohort_csv_ms": COHORT + ".csv", "items_ms": f"/instructor/courses/{COURSE}/items"}))
