"""Every page of the app at 320, 390 and 1280 px, light and dark: no sideways scrolling, no serious axe finding.

The pages come from the app's URL map, not from a hand-kept list: each GET route is visited with argument
values from the seeded data below, as the role its path implies. A new route whose arguments are unknown
here, or that does not answer 200 with HTML, fails `test_every_get_route_is_visited_or_listed` with what to
add (an argument value, a role, or a line in SKIPPED with its reason), so a new page cannot be forgotten.

With LEARNPM_SCREENSHOTS=1 the dashboard, a lesson, a quiz and results are saved to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from learnpm import create_app
from learnpm.auth import tokens
from learnpm.extensions import db
from tests.conftest import DEFAULT_PASSWORD
from tests.content_fixtures import import_checked
from tests.e2e.test_accessibility import AXE_JS, describe
from tests.e2e.test_journey_dashboard import take_quiz

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots"
WIDTHS = (1280, 390, 320)
THEMES = ("light", "dark")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Routes the walk does not open, each with its reason. Everything else that answers GET is visited.
SKIPPED = {
    "static": "files, not pages (the favicon and manifest have their own test)",
    "lessons.media": "lesson images, not pages",
    "auth.my_data": "a JSON download",
    "auth.confirm_email": "an action: a valid link redirects to the account page; its invalid-link page is the "
                          "one the reset link shows (visited)",
    "hours.export": "a CSV/JSON download",
    "certificates.pdf": "a PDF download",
    "certificates.audit_pack": "a ZIP download",
    "reports.cohort_csv": "a CSV download",
    "reports.learner_csv": "a CSV download",
}
SKIPPED_PREFIXES = {"api.": "the JSON API, no pages"}

# Who opens a route: by path prefix, else a learner, unless the route is public.
PUBLIC = {"lessons.catalog", "auth.login", "auth.register", "auth.forgot_password", "auth.reset_password",
          "auth.accept_invitation", "certificates.verify"}
# Pages seen in more than one state: (endpoint, label) -> (role, argument overrides, query string).
VARIANTS = {
    ("lessons.catalog", "signed in"): ("learner", {}, ""),
    ("quizzes.attempt", "results"): ("learner", {"attempt_id": "closed_attempt"}, ""),
    ("auth.reset_password", "invalid link"): ("anonymous", {"token": "invalid"}, ""),
}
# Query strings some pages need to show their content.
QUERIES = {"lessons.search": "?q=project", "hours.ledger_admin": "?email=learner@example.com",
           "reports.cohort_report": "?class=evening-class"}
# Argument values by name, from the seed; an endpoint-specific value wins.
ARGUMENTS = {"course_slug": "mini-course", "lesson_slug": "reading-on-a-phone", "attempt_id": "open_attempt",
             "user_id": "learner_id", "code": "certificate", "number": 1, "slug": "evening-class"}
ENDPOINT_ARGUMENTS = {("glossary.reference", "slug"): "formula-sheet",
                      ("auth.reset_password", "token"): "reset_token",
                      ("auth.accept_invitation", "token"): "invitation_token",
                      ("banks.edit_question", "key"): "m-1"}

RICH_LESSON = """---
title: Reading on a phone
duration: 10
domain: alpha
objectives:
  - See wide content stay inside the screen
activity_minutes: 5
---

Intro with a long address https://example.com/a/very/long/path/that/does/not/break/anywhere/by/itself/at/all
and a long word Projektmanagementfachkraftausbildungsverordnungsbestimmungen.

## A wide table

| Term | Planned value | Earned value | Actual cost | Budget at completion | Schedule variance | Cost variance |
| --- | --- | --- | --- | --- | --- | --- |
| Sprint one deliverables | 10,000,000 | 9,500,000 | 11,000,000 | 100,000,000 | -500,000 | -1,500,000 |

## A code block

```text
SV = EV - PV = 9,500,000 - 10,000,000 = -500,000 ; CV = EV - AC = 9,500,000 - 11,000,000 = -1,500,000 (over budget)
```

### A smaller heading

Text.

## Exercise (5 minutes)

Do it.
"""
GLOSSARY = """---
title: Glossary
---

## Earned value

lesson: reading-on-a-phone
also: EV

The budgeted value of the work actually done.
"""


@dataclass(frozen=True)
class Visit:
    endpoint: str
    label: str
    role: str
    path: str


def get_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


def skip_reason(endpoint: str) -> str | None:
    if endpoint in SKIPPED:
        return SKIPPED[endpoint]
    return next((why for prefix, why in SKIPPED_PREFIXES.items() if endpoint.startswith(prefix)), None)


def role_of(endpoint: str, rule: str) -> str:
    if rule.startswith("/admin"):
        return "admin"
    if rule.startswith("/instructor"):
        return "instructor"
    return "anonymous" if endpoint in PUBLIC else "learner"


def plan(rules, seed: dict) -> tuple[list[Visit], list[str]]:
    """Return the visits for these URL rules and the problems (routes neither visitable nor listed)."""
    visits, problems = [], []
    for rule in rules:
        endpoint = rule.endpoint
        if skip_reason(endpoint):
            continue
        states = [("", (role_of(endpoint, rule.rule), {}, ""))]
        states += [(label, v) for (e, label), v in VARIANTS.items() if e == endpoint]
        for label, (role, overrides, query) in states:
            values = {}
            for name in rule.arguments:
                key = overrides.get(name, ENDPOINT_ARGUMENTS.get((endpoint, name), ARGUMENTS.get(name)))
                if key is None:
                    problems.append(f"{rule.rule} ({endpoint}): no value for <{name}>: add one to ARGUMENTS or "
                                    "ENDPOINT_ARGUMENTS in tests/e2e/test_every_page.py, or list the route in "
                                    "SKIPPED with the reason")
                    break
                values[name] = seed.get(key, key) if isinstance(key, str) else key
            else:
                path = rule.build(values, append_unknown=False)[1]
                visits.append(Visit(endpoint, label, role, path + (query or QUERIES.get(endpoint, ""))))
    return visits, problems


def test_the_walk_asks_for_unknown_routes():
    """A route with an argument nobody gave a value for is reported, not silently left out."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/instructor/banks/<bank_key>/questions", "studio.bank_questions", lambda bank_key: "")
    app.add_url_rule("/instructor/banks", "studio.banks", lambda: "")
    visits, problems = plan(get_rules(app), {"open_attempt": 1, "closed_attempt": 2, "learner_id": 3})
    assert any("/instructor/banks/<bank_key>/questions" in p and "<bank_key>" in p for p in problems), problems
    assert Visit("studio.banks", "", "instructor", "/instructor/banks") in visits
    assert not any(v.endpoint.startswith("api.") or v.endpoint == "static" for v in visits)


# ---- the seed: one of everything a page can show ----

@pytest.fixture
def seeded(app, quiz_content, runner, make_user, learner, instructor, admin, browser, live_server):
    course_dir = quiz_content / "courses/mini-course"
    (course_dir / "01-start/02-reading-on-a-phone.md").write_text(RICH_LESSON)
    (course_dir / "glossary.md").write_text(GLOSSARY)
    # no end-of-course assessment, so that hours alone earn the certificate the certificate pages show
    (course_dir / "course.md").write_text("---\ntitle: Mini course\nprogram: mini\n---\nA course for tests.\n")
    (course_dir / "reference").mkdir()
    shutil.copy(REPO / "content/courses/capm-prep/reference/01-formula-sheet.md", course_dir / "reference")
    import_checked(quiz_content)

    from learnpm.classes import services as classes
    from learnpm.lessons.models import Course

    course = db.session.query(Course).filter_by(slug="mini-course").one()
    group = classes.create_class(instructor, course, "Evening class")
    classes.add_members(instructor, group, [learner])
    invited = make_user(email="invited@example.com", name="Ines Invited")
    db.session.commit()
    for args in (["hours", "record", "--email", learner.email, "--minutes", "90", "--reason", "Live class"],
                 ["certificates", "issue", "--email", learner.email, "--course", "mini-course"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    certificate = re.search(r"certificate (LPM-[A-Z0-9-]+)", result.output).group(1)

    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    log_in(page, learner.email)
    take_quiz(page, "alpha", right=True)
    closed = take_quiz(page, "beta", right=False)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    started = page.request.post("/api/v1/attempts", headers={"X-CSRFToken": token},
                                data={"mode": "practice", "domain": "alpha", "count": 4})
    assert started.status == 201, started.text()
    open_attempt = started.json()["id"]
    page.request.post("/dashboard/exam-date", form={"csrf_token": token, "exam_date": "2027-03-01"})
    learner_state = context.storage_state()
    context.close()

    secret = app.config["SECRET_KEY"]
    seed = {"open_attempt": open_attempt, "closed_attempt": closed["id"], "learner_id": learner.id,
            "certificate": certificate,
            "reset_token": tokens.make(secret, "reset", {"u": learner.id, "p": tokens.password_stamp(
                learner.password_hash)}),
            "invitation_token": tokens.make(secret, "invite", {"u": invited.id, "p": tokens.password_stamp(
                invited.password_hash)})}
    states = {"anonymous": None, "learner": learner_state}
    for role, user in (("instructor", instructor), ("admin", admin)):
        context = browser.new_context(base_url=live_server)
        log_in(context.new_page(), user.email)
        states[role] = context.storage_state()
        context.close()
    return seed, states


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


# ---- the walk ----

# The README's screenshots: (endpoint, variant label) -> file name stem.
SHOTS_OF = {("reports.learner_dashboard", ""): "dashboard", ("lessons.lesson", ""): "lesson",
            ("quizzes.attempt", ""): "quiz", ("quizzes.attempt", "results"): "results"}
SHOT_SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
WIDEST = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > innerWidth + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > innerWidth + 1)) {
      out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim()
        .replace(/ +/g, '.') : '') + ' ending at ' + Math.round(r.right) + ' px');
    }
  }
  return out.slice(0, 3);
}"""


SMALL_TARGETS = """() => {
  const sel = 'button, .button, select, summary, .nav a, '
            + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('.hotspot, svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.height < 43.5) out.push((el.textContent || el.name || el.tagName).trim().slice(0, 40) + ' (' +
                                  el.tagName.toLowerCase() + ', ' + Math.round(r.height) + ' px high)');
  }
  return out.slice(0, 5);
}"""


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def axe_blocking(page) -> list[dict]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
                            " resultTypes: ['violations']})", WCAG_TAGS)
    return [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]


def shoot(page, name: str | None, theme: str) -> None:
    """With LEARNPM_SCREENSHOTS=1, save the page at a phone's and a desktop's size to docs/screenshots/."""
    if not name or not os.environ.get("LEARNPM_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SHOT_SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.screenshot(path=str(SHOTS / f"{name}-{size}-{theme}.png"))


@pytest.mark.parametrize("theme", THEMES)
def test_every_get_route_is_visited_or_listed(app, seeded, browser, live_server, theme):
    seed, states = seeded
    visits, problems = plan(get_rules(app), seed)
    assert not problems, "\n".join(problems)
    contexts = {}
    failures = []
    started = time.perf_counter()
    for visit in visits:
        if visit.role not in contexts:
            contexts[visit.role] = browser.new_context(base_url=live_server, bypass_csp=True, color_scheme=theme,
                                                       storage_state=states[visit.role],
                                                       viewport={"width": WIDTHS[0], "height": 844})
            contexts[visit.role].set_default_timeout(10_000)
        page = contexts[visit.role].new_page()
        where = f"{visit.path} ({visit.endpoint}{', ' + visit.label if visit.label else ''}, as {visit.role})"
        response = page.goto(visit.path)
        expected = 400 if visit.label == "invalid link" else 200
        if (response.status != expected or "text/html" not in response.headers.get("content-type", "")
                or page.url.split("#")[0] != live_server + visit.path):
            failures.append(f"{where}: answered {response.status} {response.headers.get('content-type')} at "
                            f"{page.url.removeprefix(live_server)}; give it "
                            "arguments, a role (PUBLIC, VARIANTS) or a line in SKIPPED in tests/e2e/test_every_page.py")
            page.close()
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844})
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            extra = overflow(page)
            if extra > 0:
                failures.append(f"{where} at {width} px ({theme}): the page is {extra} px wider than the window; "
                                f"the widest: {', '.join(page.evaluate(WIDEST))}")
            if width == 390:
                small = page.evaluate(SMALL_TARGETS)
                if small:
                    failures.append(f"{where} at {width} px: touch targets under 44 px: {'; '.join(small)}")
            blocking = axe_blocking(page)
            if blocking:
                failures.append(describe(f"{where} at {width} px ({theme})", blocking))
        shoot(page, SHOTS_OF.get((visit.endpoint, visit.label)), theme)
        page.close()
    for context in contexts.values():
        context.close()
    print(f"\n{len(visits)} pages x {len(WIDTHS)} widths ({theme}) in {time.perf_counter() - started:.1f} s")
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(failures)
