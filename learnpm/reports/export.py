"""CSV exports of the cohort and of one learner, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from learnpm.csvsafe import FORMULA_STARTS, safe_cell  # noqa: F401 - FORMULA_STARTS kept for importers
from learnpm.reports.cohort import CohortPage
from learnpm.reports.dashboard import Dashboard
from learnpm.templating import hours

COHORT_HEADER = ["name", "email", "hours", "target_hours", "lessons_completed", "lessons_total", "last_active_utc",
                 "best_mock_percent", "readiness_percent", "readiness_low", "readiness_high", "readiness_questions"]
DETAIL_HEADER = ["section", "item", "value", "detail"]



def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def cohort_csv(page: CohortPage) -> str:
    rows = []
    for r in page.rows:
        ready = r.readiness
        rows.append([r.name, r.email, hours(r.hours_seconds), hours(page.target_seconds), r.lessons_done,
                     page.lessons_total, r.last_active.isoformat(timespec="seconds") if r.last_active else "",
                     _percent(r.best_mock), _percent(ready.percent if ready else None),
                     _percent(ready.low if ready else None), _percent(ready.high if ready else None),
                     ready.questions if ready else 0])
    return _csv(COHORT_HEADER, rows)


def detail_csv(report: Dashboard, course_slug: str) -> str:
    """One learner's report as (section, item, value, detail) rows."""
    learner = report.learner
    rows: list[list[object]] = [
        ["learner", "name", learner.name, ""], ["learner", "email", learner.email, ""],
        ["learner", "course", course_slug, ""],
        ["learner", "exam_date", learner.exam_date.isoformat() if learner.exam_date else "", ""],
        ["hours", "credited", hours(report.hours_seconds), f"target {hours(report.target_seconds)}"],
        ["lessons", "completed", report.lessons_done, f"of {report.lessons_total}"],
    ]
    rows += [["module", m.title, f"{m.done}/{m.lessons}", f"checks passed {m.checks_passed}/{m.checks}"]
             for m in report.modules]
    rows += [["attempt", p.closed_at.isoformat(timespec="seconds"), f"{p.score:.1f}",
              p.mode + (f" {p.domain}" if p.domain else "")] for p in report.trend]
    if report.readiness:
        for d in report.readiness.domains:
            rating = d.rating or "not practiced"
            rows.append(["domain", d.title, _percent(d.percent), f"{rating}; {d.answered} answers"])
        ready = report.readiness
        rows.append(["readiness", "percent", _percent(ready.percent),
                     f"range {_percent(ready.low)}-{_percent(ready.high)}; {ready.questions} answers"])
    rows.append(["review", "due_now", report.review_due,
                 f"next {report.review_next.isoformat(timespec='seconds')}" if report.review_next else ""])
    return _csv(DETAIL_HEADER, rows)
