"""A learner takes a timed practice quiz, reloads mid-way, flags, reviews, submits and reads the feedback."""

import re

from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in


def test_timed_practice_quiz_survives_a_reload_and_teaches_through_feedback(page, quiz_imported, learner):
    log_in(page, learner.email)
    page.goto("/quizzes")
    practice = page.locator("section.card").filter(has_text="Domain practice")
    practice.get_by_label("Domain").select_option("beta")
    practice.get_by_label("Questions").fill("3")
    practice.get_by_label("Timed").check()
    practice.get_by_label("Minutes").fill("5")
    practice.get_by_role("button", name="Start practice").click()

    expect(page.get_by_role("heading", name="Question 1 of 3")).to_be_visible()
    timer = page.locator("#timer")
    expect(timer).to_have_text(re.compile(r"^4:5\d$"))

    # Answer the first question with the keyboard-reachable controls, whatever its type.
    first = page.locator("section.question:not([hidden])")
    answer_visible_question(first)
    expect(page.get_by_role("status").filter(has_text="All answers saved.")).to_be_visible()
    first.get_by_role("button", name="Next").click()
    second = page.locator("section.question:not([hidden])")
    second.get_by_label("Flag for review").check()
    expect(page.get_by_role("status").filter(has_text="All answers saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="Question 2 of 3")).to_be_visible()  # back where we were
    expect(page.locator("section.question:not([hidden])").get_by_label("Flag for review")).to_be_checked()
    expect(page.get_by_role("button", name=re.compile(r"Question 1, answered"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Question 2, not answered, flagged"))).to_be_visible()
    expect(timer).to_have_text(re.compile(r"^4:[0-5]\d$"))  # the server's clock kept running

    page.locator("section.question:not([hidden])").get_by_role("button", name="Review answers").click()
    review = page.get_by_role("region", name="Review before submitting")
    expect(review.get_by_role("row").filter(has_text="Question 1")).to_contain_text("Answered")
    expect(review.get_by_role("row").filter(has_text="Question 2")).to_contain_text("Not answered, flagged")
    expect(review.get_by_role("row").filter(has_text="Question 3")).to_contain_text("Not answered")
    review.get_by_role("button", name="Submit and see the results").click()

    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    expect(page.get_by_role("table", name="Performance by domain")).to_contain_text("Beta domain")
    expect(page.get_by_text("(you flagged it)")).to_be_visible()
    expect(page.locator(".explanation").first).to_be_visible()
    expect(page.get_by_role("link", name="Intro").first).to_be_visible()  # back to the lesson that teaches it


def answer_visible_question(section):
    kind = section.get_attribute("data-type")
    if kind == "single":
        section.get_by_role("radio").first.check()
    elif kind == "multiple":
        section.get_by_role("checkbox").first.check()
    elif kind == "matching":
        for select in section.locator("select").all():
            select.select_option(index=1)
    else:
        section.get_by_label("Your answer").fill("charter")


def test_the_mock_exams_break_is_sealed_its_clock_stopped_and_it_can_end_early(page, quiz_imported, learner):
    """During the break the page holds no later question and the exam clock stands still; then it goes on."""
    log_in(page, learner.email)
    page.goto("/quizzes")
    page.get_by_role("button", name="Start the mock exam").click()
    for number in range(1, 5):  # the first section of the small program's mock
        page.get_by_role("button", name=re.compile(rf"^Question {number}\b")).click()
        answer_visible_question(page.locator("section.question:not([hidden])"))
        page.wait_for_timeout(700)  # past the text answer's debounce
        expect(page.get_by_role("status")).to_have_text("All answers saved.")
    page.get_by_role("button", name="Take the break").click()
    for when in ("after taking it", "after a reload"):
        screen = page.get_by_role("region", name="Break")
        expect(screen, when).to_be_visible()
        expect(page.locator("section.question"), when).to_have_count(0)  # no question of any section on the page
        exam_clock = page.locator("#exam-clock").inner_text()
        page.wait_for_timeout(5000)
        assert page.locator("#exam-clock").inner_text() == exam_clock, "the exam clock moved during the break"
        expect(page.locator("#break-timer")).not_to_have_text("5:00")  # the break's own countdown runs
        page.reload()
    page.get_by_role("button", name="End break and continue").click()
    expect(page.locator("section.question")).to_have_count(8)
    page.get_by_role("button", name=re.compile(r"^Question 5\b")).click()
    expect(page.locator("section.question:not([hidden]) fieldset").locator("input, select").first).to_be_enabled()
    page.get_by_role("button", name=re.compile(r"^Question 1\b")).click()
    expect(page.locator("section.question:not([hidden]) fieldset").locator("input, select").first).to_be_disabled()


def test_tutor_mode_shows_feedback_after_one_answer_and_keeps_it(page, quiz_imported, learner):
    log_in(page, learner.email)
    page.goto("/quizzes")
    practice = page.locator("section.card").filter(has_text="Domain practice")
    practice.get_by_label("Domain").select_option("beta")
    practice.get_by_label("Questions").fill("9")
    practice.get_by_label("Tutor mode").check()
    practice.get_by_role("button", name="Start practice").click()
    for number in range(1, 10):  # find a single-answer question
        page.get_by_role("button", name=re.compile(rf"^Question {number}\b")).click()
        shown = page.locator("section.question:not([hidden])")
        if shown.get_attribute("data-type") == "single":
            break
    shown.get_by_role("radio").first.check()
    expect(shown.locator(".tutor-feedback")).to_be_empty()  # nothing until the learner asks
    shown.get_by_role("button", name="Check my answer").click()
    expect(shown.locator(".tutor-feedback .verdict")).to_have_text(re.compile(r"(Right|Not right)\."))
    expect(shown.locator(".tutor-feedback .explanation")).to_contain_text("The right one is right")
    expect(shown.get_by_text("(right answer)")).to_be_visible()
    expect(shown.get_by_role("radio").last).to_be_disabled()  # the answer is final
    page.reload()
    shown = page.locator("section.question:not([hidden])")
    expect(shown.locator(".tutor-feedback .verdict")).to_be_visible()
    expect(shown.get_by_role("radio").first).to_be_disabled()
