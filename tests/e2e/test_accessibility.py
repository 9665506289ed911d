"""axe-core on every kind of page: no serious or critical WCAG 2.1 A/AA violation.

axe-core comes from the npm registry, pinned in package-lock.json (`make test` runs `npm ci` when it is
missing). The app's CSP allows only its own scripts, so these pages are opened in a browser context that
bypasses CSP to inject axe.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe(page, label: str | None = None) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; fail on any serious or critical violation.

    Returns every violation found (minor and moderate ones included) for callers that want them.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS.relative_to(REPO)} is missing: run `make test` (it runs `npm ci`) or `npm ci`")
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_TAGS)
    violations = results["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, describe(label or page.url, blocking)
    return violations


def describe(where: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious/critical accessibility violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)


# ---- anonymous visitors ----

@pytest.mark.parametrize("path", ["/", "/register", "/courses/demo", "/courses/demo/first", "/search?q=project",
                                  "/password/forgot"])
def test_public_pages(page, imported, path):
    visit(page, path)
    axe(page)


def test_login_with_a_form_error(page, learner):
    visit(page, "/login")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".error-summary, .field-error").first).to_be_visible()
    axe(page, "/login with a form error")


# ---- a logged-in learner ----

@pytest.mark.parametrize("path", ["/", "/courses/demo/first", "/quizzes", "/hours", "/certificates"])
def test_learner_pages(page, imported, learner, path):
    log_in(page, learner.email)
    visit(page, path)
    axe(page)


def test_learner_dashboard(page, imported, learner):
    log_in(page, learner.email)
    response = page.goto("/dashboard")
    if response.status == 404:
        pytest.skip("/dashboard is not built yet")
    assert response.status == 200
    axe(page)


def start_practice(page, domain: str, count: int) -> None:
    visit(page, "/quizzes")
    practice = page.locator("section.card").filter(has_text="Domain practice")
    practice.get_by_label("Domain").select_option(domain)
    practice.get_by_label("Questions").fill(str(count))
    practice.get_by_label("Timed").check()
    practice.get_by_role("button", name="Start practice").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+"))
    expect(page.locator("#timer")).to_have_text(re.compile(r"^\d+:\d\d$"))


def check_every_question(page) -> set[str]:
    """Run axe on each question of the open attempt in turn (flagging the first); return their types."""
    count = page.locator("section.question").count()
    types = set()
    for number in range(1, count + 1):
        expect(page.get_by_role("heading", name=f"Question {number} of {count}")).to_be_visible()
        question = page.locator("section.question:not([hidden])")
        kind = question.get_attribute("data-type")
        types.add(kind)
        if number == 1:
            page.get_by_label("Flag for review").check()
            expect(page.get_by_role("status").filter(has_text="All answers saved.")).to_be_visible()
        axe(page, f"a quiz in progress (question {number}, {kind})")
        if number < count:
            question.get_by_role("button", name="Next").click()
    return types


def test_quiz_in_progress_and_its_results(page, quiz_imported, learner):
    log_in(page, learner.email)
    start_practice(page, "alpha", 8)  # the whole alpha bank: single and multiple answers
    assert check_every_question(page) == {"single", "multiple"}

    start_practice(page, "beta", 9)  # the whole beta bank: single, matching and fill-in
    assert check_every_question(page) == {"single", "matching", "fill_in"}
    page.locator("#to-review").click()
    review = page.get_by_role("region", name="Review before submitting")
    expect(review).to_be_visible()
    axe(page, "a quiz in progress (review screen)")

    review.get_by_role("button", name="Submit and see the results").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    axe(page, "a quiz in progress (submit confirmation)")
    page.get_by_role("dialog").get_by_role("button", name="Submit now").click()
    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    axe(page, "quiz results")


def test_mock_exam_break_offer(page, quiz_imported, learner):
    log_in(page, learner.email)
    visit(page, "/quizzes")
    page.get_by_role("button", name="Start the mock exam").click()
    page.get_by_role("button", name="Calculator").click()
    axe(page, "a mock exam with the calculator open")
    page.get_by_role("button", name="Close").click()
    page.locator("#to-review").click()
    page.get_by_role("link", name="Question 4", exact=True).click()
    expect(page.get_by_role("button", name="Take the break")).to_be_visible()
    axe(page, "a mock exam at the end of its first section")


def test_certificate_verification_page(page, runner, imported, learner):
    recorded = runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "1400",
                                   "--reason", "Live class"])
    assert recorded.exit_code == 0, recorded.output
    issued = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert issued.exit_code == 0, issued.output
    code = re.search(r"certificate (LPM-[A-Z0-9-]+)", issued.output).group(1)
    visit(page, f"/verify/{code}")
    expect(page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
    axe(page)

    log_in(page, learner.email)  # the certificates page with an issued certificate on it
    visit(page, "/certificates")
    axe(page, "/certificates with an issued certificate")


# ---- instructors and admins ----

def test_instructor_lesson_editor(page, imported, instructor):
    log_in(page, instructor.email)
    visit(page, "/instructor/courses/demo/lessons/second/edit")
    expect(page.get_by_label("Lesson text (Markdown)")).to_be_visible()
    expect(page.locator("#preview h2").first).to_be_visible()
    axe(page)


@pytest.mark.parametrize("path", ["/instructor/courses/new", "/instructor/courses/demo/outline",
                                  "/instructor/courses/demo/settings", "/instructor/banks",
                                  "/instructor/banks?flagged=1", "/instructor/banks/questions/new?type=matching",
                                  "/instructor/banks/questions/demo-001/edit"])
def test_instructor_studio_pages(page, imported, instructor, path):
    log_in(page, instructor.email)
    visit(page, path)
    axe(page)


def test_instructor_hours(page, imported, instructor):
    log_in(page, instructor.email)
    visit(page, "/instructor/hours")
    axe(page)


def test_admin_users(page, imported, admin, learner):
    log_in(page, admin.email)
    visit(page, "/admin/users")
    axe(page)


@pytest.mark.parametrize(("role", "path"), [
    ("instructor", "/instructor/lessons"),
    ("instructor", "/instructor/courses/demo/lessons/second/revisions"),
    ("instructor", "/instructor/accommodations"),
    ("learner", "/account/password"),
    ("learner", "/account"),
    ("instructor", "/instructor/classes"),
    ("admin", "/admin/users/new"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/certificates"),
    ("admin", "/admin/certificates/settings"),
])
def test_other_signed_in_pages(page, imported, instructor, admin, learner, role, path):
    log_in(page, {"learner": learner, "instructor": instructor, "admin": admin}[role].email)
    visit(page, path)
    axe(page)


def test_error_page(page):
    assert page.goto("/no-such-page").status == 404
    axe(page, "the 404 page")


def test_class_and_account_detail_pages(page, imported, instructor, admin, learner):
    from learnpm.classes import services as classes
    from learnpm.extensions import db
    from learnpm.lessons.models import Course

    group = classes.create_class(instructor, db.session.query(Course).one(), "Evening class")
    classes.add_members(instructor, group, [learner])
    db.session.commit()
    log_in(page, admin.email)
    visit(page, f"/instructor/classes/{group.slug}")
    axe(page)
    visit(page, f"/admin/users/{learner.id}")
    axe(page)
    visit(page, f"/instructor/courses/demo/cohort?class={group.slug}")
    axe(page)


def test_admin_hours_for_a_learner(page, runner, imported, admin, learner):
    recorded = runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "90",
                                   "--reason", "Live class"])
    assert recorded.exit_code == 0, recorded.output
    log_in(page, admin.email)
    visit(page, f"/admin/hours?email={learner.email}")
    axe(page)


def test_the_helper_catches_violations(page, live_server):
    """A page with known problems fails, so a passing run means axe really ran."""
    page.goto(live_server + "/login")
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = '/static/none.png';
        const low = document.createElement('p'); low.textContent = 'faint'; low.style.color = '#eee';
        const main = document.querySelector('main'); main.append(img, low);
    }""")
    with pytest.raises(AssertionError) as failure:
        axe(page, "a broken page")
    assert "image-alt" in str(failure.value) and "color-contrast" in str(failure.value)
