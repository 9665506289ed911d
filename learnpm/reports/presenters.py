"""The dashboard's charts, each an accessible SVG with its data table."""

from __future__ import annotations

from learnpm.hours.display import format_hours, format_remaining, hours_value
from learnpm.quizzes.views import MODE_TITLES
from learnpm.reports import charts
from learnpm.reports.dashboard import Dashboard


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"




def dashboard_charts(report: Dashboard) -> dict[str, tuple[str, str]]:
    """Return {name: (svg, data table)} for the hours, lessons, score trend and domain charts.

    Both are markup whose every text is escaped by reports.charts, so templates print them with |safe.
    """
    found: dict[str, tuple[str, str]] = {}
    value, target = hours_value(report.hours_seconds), hours_value(report.target_seconds) or 1
    found["hours"] = (
        charts.progress_bar("Contact hours", value, target, unit="h"),
        charts.data_table("Contact hours against the target", ["Measure", "Hours"], [
            ["Credited", format_hours(report.hours_seconds)], ["Target", format_hours(report.target_seconds)],
            ["Still needed", format_remaining(report.hours_seconds, report.target_seconds)]]))
    found["lessons"] = (
        charts.bar_chart("Lessons done per module", [
            (f"{m.title} ({m.done} of {m.lessons})", 100 * m.done / m.lessons if m.lessons else 0)
            for m in report.modules]),
        charts.data_table("Lessons done per module", ["Module", "Course", "Lessons done", "Knowledge checks passed"], [
            [m.title, m.course_title, f"{m.done} of {m.lessons}",
             f"{m.checks_passed} of {m.checks}" if m.checks else "no checks"] for m in report.modules]))
    points = [(f"{p.closed_at:%d %b}", p.score) for p in report.trend]
    found["trend"] = (
        charts.line_chart("Score trend over your latest quizzes", points, target=report.pass_percent),
        charts.data_table("Scores of closed quizzes, oldest first", ["#", "Closed (UTC)", "Quiz", "Score"], [
            [str(i), f"{p.closed_at:%Y-%m-%d %H:%M}", MODE_TITLES.get(p.mode, p.mode) + (f": {p.domain}" if p.domain
                                                                                      else ""), _pct(p.score)]
            for i, p in enumerate(report.trend, start=1)]))
    domains = report.readiness.domains if report.readiness else []
    found["domains"] = (
        charts.bar_chart("Performance by domain (recent answers)", [
            (f"{d.title}: {d.rating}", d.percent) for d in domains if d.percent is not None],
            target=report.pass_percent),
        charts.data_table("Performance by domain over your recent scored answers",
                          ["Domain", "Exam weight", "Answers", "Percent correct", "Rating"], [
            [d.title, f"{d.weight:g} %", str(d.answered), _pct(d.percent), d.rating or "Not practiced yet"]
            for d in domains]))
    return found
