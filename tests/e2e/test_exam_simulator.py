"""The exam simulator in Chromium at a desktop's and a phone's width: the exam's bar, strike-out and flag kept
over a reload, review filters, a confirmed submit, the sealed break, tutor mode and a custom quiz of misses.

With LEARNPM_SCREENSHOTS=1 the pages are also saved to docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.models import Attempt, AttemptItem
from tests.e2e.test_journey_authoring import log_in
from tests.e2e.test_journey_quiz import answer_visible_question

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
IN_VIEW = """e => { const r = e.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser, live_server):
    width, height = WIDTHS[request.param]
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


def shoot(page, name: str) -> None:
    if os.environ.get("LEARNPM_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{page.width_name}.png"))


def in_view(locator) -> bool:
    return locator.evaluate(IN_VIEW)


def shown(page):
    return page.locator("section.question:not([hidden])")


def saved(page):
    expect(page.get_by_role("status")).to_have_text("All answers saved.")


def go_to(page, number: int) -> None:
    """Open question `number` from the review screen, one click from any question."""
    page.locator("#to-review").click()
    review = page.get_by_role("region", name="Review before submitting")
    review.get_by_role("button", name=re.compile(r"^All")).click()
    review.get_by_role("link", name=f"Question {number}", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(rf"^Question {number} of"))).to_be_visible()


def start_mock(page) -> None:
    page.goto("/quizzes")
    page.get_by_role("button", name="Start the mock exam").click()
    expect(page.get_by_role("heading", name="Question 1 of 8")).to_be_visible()


def test_a_mock_looks_like_the_exam_and_keeps_strikes_and_flags(sized, quiz_imported, learner):
    page = sized
    log_in(page, learner.email)
    start_mock(page)

    # The question and the timer are in view at once, and the site's menu is gone.
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    timer = page.locator("#timer")
    assert in_view(timer) and in_view(page.locator("#position"))
    assert in_view(page.get_by_role("heading", name="Question 1 of 8"))
    assert in_view(shown(page).locator("fieldset input, fieldset select").first)
    expect(page.locator("#position")).to_have_text("Question 1 of 8")
    expect(page.get_by_role("link", name="Save and exit")).to_be_visible()

    # Find a single-answer question in the first section; strike out an option and flag it.
    number = 1
    while shown(page).get_attribute("data-type") != "single":
        shown(page).get_by_role("button", name="Next").click()
        number += 1
    expect(page.locator("#position")).to_have_text(f"Question {number} of 8")
    question_id = shown(page).get_attribute("id")
    shown(page).get_by_role("button", name="Strike out option 2").click()
    saved(page)
    page.get_by_label("Flag for review").check()
    saved(page)
    shoot(page, "attempt")

    # The bar stays in view however far a long question scrolls.
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'A long case. '.repeat(900);
        document.querySelector('.question:not([hidden]) .stem').append(p); }""")
    page.mouse.wheel(0, 4000)
    page.wait_for_function("() => window.scrollY > 500")
    assert in_view(timer) and in_view(page.get_by_label("Flag for review"))

    page.reload()
    expect(page.locator("#position")).to_have_text(f"Question {number} of 8")
    question = page.locator("#" + question_id)
    expect(question.get_by_role("button", name="Strike out option 2")).to_have_attribute("aria-pressed", "true")
    expect(question.locator(".option-row").nth(1)).to_have_class(re.compile(r"\bstruck\b"))
    expect(question.get_by_role("button", name="Strike out option 1")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_label("Flag for review")).to_be_checked()

    # Answer one other question; the review screen counts 7 unanswered and 1 flagged, and filters by them.
    go_to(page, 1 if number != 1 else 2)
    answer_visible_question(shown(page))
    page.wait_for_timeout(700)  # past a text answer's debounce
    saved(page)
    expect(page.get_by_label("Flag for review")).not_to_be_checked()  # the flag follows the question shown
    page.locator("#to-review").click()
    review = page.get_by_role("region", name="Review before submitting")
    expect(review.get_by_role("button", name="All (8)")).to_be_visible()
    expect(review.get_by_role("button", name="Unanswered (7)")).to_be_visible()
    expect(review.get_by_role("button", name="Flagged (1)")).to_be_visible()
    rows = review.locator("tbody tr:not([hidden])")
    expect(rows).to_have_count(8)
    review.get_by_role("button", name="Unanswered (7)").click()
    expect(rows).to_have_count(7)
    review.get_by_role("button", name="Flagged (1)").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"Question {number}")
    shoot(page, "review")
    rows.get_by_role("link").click()  # a row opens its question
    expect(page.locator("#position")).to_have_text(f"Question {number} of 8")

    # Submitting asks first, with the counts, and Cancel goes back to the exam.
    page.locator("#to-review").click()
    review.get_by_role("button", name="Submit and see the results").click()
    dialog = page.get_by_role("dialog", name="Submit the exam?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("7 unanswered and 1 flagged of 8 questions")
    shoot(page, "submit")
    dialog.get_by_role("button", name="Cancel and go on").click()
    expect(dialog).to_be_hidden()
    expect(review).to_be_visible()
    assert db.session.scalar(select(Attempt.status)) == "open"

    review.get_by_role("button", name="Submit and see the results").click()
    dialog.get_by_role("button", name="Submit now").click()
    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    # the site's menu is back (folded behind its button on a phone)
    expect(page.get_by_role("navigation", name="Main", include_hidden=True)).to_have_count(1)
    shoot(page, "results")
    page.get_by_role("link", name=re.compile(r"^Wrong or blank")).click()
    first = page.locator("li.feedback-item").first
    expect(first.locator(".mark")).to_have_text("✘")
    first.locator("details.explain summary").click()
    expect(first.locator(".explanation")).to_be_visible()
    page.evaluate("() => document.getElementById('questions-title').scrollIntoView()")
    shoot(page, "results-questions")


def test_the_calculator_and_the_highlighter_work_in_a_mock(sized, quiz_imported, learner):
    page = sized
    log_in(page, learner.email)
    start_mock(page)
    page.get_by_role("button", name="Calculator").click()
    calculator = page.get_by_role("dialog", name="Calculator")
    expect(calculator).to_be_visible()
    for key in ("1", "2", "Multiply", "3", "Equals"):
        calculator.get_by_role("button", name=key, exact=True).click()
    expect(calculator.locator("output")).to_have_text("36")
    for key in ("Divide", "0", "Equals"):
        calculator.get_by_role("button", name=key, exact=True).click()
    expect(calculator.locator("output")).to_have_text("Error")
    calculator.get_by_role("button", name="Clear").click()
    for key in ("2", "Square root"):
        calculator.get_by_role("button", name=key, exact=True).click()
    expect(calculator.locator("output")).to_have_text("1.41421356237")
    shoot(page, "calculator")
    calculator.get_by_role("button", name="Close").click()
    expect(calculator).to_be_hidden()

    stem = shown(page).locator(".stem")
    stem_id = stem.get_attribute("id")
    words = stem.inner_text()[:8]
    page.evaluate("""id => { const p = document.getElementById(id).querySelector('p') || document.getElementById(id);
        const text = p.firstChild; const r = document.createRange(); r.setStart(text, 0); r.setEnd(text, 8);
        getSelection().removeAllRanges(); getSelection().addRange(r); }""", stem_id)
    page.get_by_role("button", name="Highlight", exact=True).click()
    expect(stem.locator("mark.highlight")).to_have_text(words)
    page.reload()
    expect(page.locator(f"#{stem_id} mark.highlight")).to_have_text(words)  # kept in this tab
    page.get_by_role("button", name="Clear highlights").click()
    expect(page.locator(f"#{stem_id} mark.highlight")).to_have_count(0)


def test_the_break_screen_stops_the_exam_clock_and_ends_early(sized, quiz_imported, learner):
    """During the break the page holds no later question and the exam clock stands still; then it goes on."""
    page = sized
    log_in(page, learner.email)
    start_mock(page)
    for number in range(1, 5):  # the first section of the small program's mock
        if number > 1:
            shown(page).get_by_role("button", name="Next").click()
            expect(page.get_by_role("heading", name=re.compile(rf"^Question {number} of"))).to_be_visible()
        answer_visible_question(shown(page))
        page.wait_for_timeout(700)  # past the text answer's debounce
        saved(page)
    expect(shown(page).locator(".section-end")).to_contain_text("section 1 locks")
    page.get_by_role("button", name="Take the break").click()
    screen = page.get_by_role("region", name="Break")
    expect(screen).to_be_visible()
    expect(page.locator("section.question")).to_have_count(0)  # no question of any section on the page
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    exam_clock = page.locator("#exam-clock").inner_text()
    start = page.locator("#break-timer").inner_text()
    page.wait_for_timeout(5000)
    assert page.locator("#exam-clock").inner_text() == exam_clock, "the exam clock moved during the break"
    assert page.locator("#break-timer").inner_text() != start, "the break's own countdown runs"
    shoot(page, "break")
    page.get_by_role("button", name="End break and continue").click()
    expect(page.locator("section.question")).to_have_count(8)
    go_to(page, 5)
    expect(shown(page).locator("fieldset").locator("input, select").first).to_be_enabled()
    go_to(page, 1)
    expect(shown(page).locator("fieldset").locator("input, select").first).to_be_disabled()
    expect(page.get_by_label("Flag for review")).to_be_disabled()


def test_tutor_mode_gives_feedback_after_one_answer_and_refuses_a_changed_one(sized, quiz_imported, learner):
    page = sized
    log_in(page, learner.email)
    page.goto("/quizzes")
    practice = page.locator("section.card").filter(has_text="Domain practice")
    practice.get_by_label("Domain").select_option("beta")
    practice.get_by_label("Questions").fill("9")
    practice.get_by_label("Tutor mode").check()
    practice.get_by_role("button", name="Start practice").click()
    expect(page.get_by_role("heading", name="Question 1 of 9")).to_be_visible()
    while shown(page).get_attribute("data-type") != "single":
        shown(page).get_by_role("button", name="Next").click()
    question = shown(page)
    key, first = question.get_attribute("data-key"), question.get_by_role("radio").first
    first.check()
    question.get_by_role("button", name="Check my answer").click()
    expect(question.locator(".tutor-feedback .verdict")).to_have_text(re.compile(r"(Right|Not right)\."))
    expect(question.get_by_role("radio").last).to_be_disabled()
    other = question.get_by_role("radio").last.get_attribute("value")
    status = page.evaluate("""([id, key, answer]) => fetch(`/api/v1/attempts/${id}/answers/${key}`, {
        method: 'PUT', headers: {'Content-Type': 'application/json',
                                 'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content},
        body: JSON.stringify({answer})}).then(r => r.status)""",
                           [page.locator("#attempt").get_attribute("data-attempt"), key, other])
    assert status == 409  # the answer is final once its feedback was shown
    page.reload()  # the feedback stays
    question = page.locator(f"#q-{key}")
    expect(question.locator(".tutor-feedback .verdict")).to_be_visible()
    expect(question.get_by_role("radio").first).to_be_disabled()


def test_a_custom_quiz_from_missed_holds_only_questions_answered_wrong(sized, quiz_imported, learner):
    page = sized
    log_in(page, learner.email)
    page.goto("/quizzes")
    practice = page.locator("section.card").filter(has_text="Domain practice")
    practice.get_by_label("Domain").select_option("beta")
    practice.get_by_label("Questions").fill("9")
    practice.get_by_role("button", name="Start practice").click()
    for number in range(1, 5):  # answer four (the first option, right or wrong), leave five blank
        if number > 1:
            shown(page).get_by_role("button", name="Next").click()
            expect(page.get_by_role("heading", name=re.compile(rf"^Question {number} of"))).to_be_visible()
        answer_visible_question(shown(page))
        page.wait_for_timeout(700)
        saved(page)
    page.locator("#to-review").click()
    page.get_by_role("button", name="Submit and see the results").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit now").click()
    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    missed = set(db.session.scalars(select(AttemptItem.question_key).where(AttemptItem.correct.is_(False))))
    assert missed

    page.get_by_role("button", name="Practice what I missed").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Question 1 of \d+"))).to_be_visible()
    keys = {k for k in page.locator("section.question").evaluate_all("els => els.map(e => e.dataset.key)")}
    assert keys == missed, "the quiz holds exactly the questions answered wrong or left blank"

    page.goto("/quizzes")  # the same from the custom quiz form
    custom = page.get_by_role("region", name="Custom quiz")
    custom.locator("input[name=source][value=missed]").check()
    custom.get_by_label("Questions", exact=True).fill("2")
    custom.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", name="Question 1 of 2")).to_be_visible()
    keys = set(page.locator("section.question").evaluate_all("els => els.map(e => e.dataset.key)"))
    assert keys <= missed
