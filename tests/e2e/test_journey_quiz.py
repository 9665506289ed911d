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
    page.get_by_label("Flag for review").check()
    expect(page.get_by_role("status").filter(has_text="All answers saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="Question 2 of 3")).to_be_visible()  # back where we were
    expect(page.get_by_label("Flag for review")).to_be_checked()
    expect(timer).to_have_text(re.compile(r"^4:[0-5]\d$"))  # the server's clock kept running
    page.locator("section.question:not([hidden])").get_by_role("button", name="Previous").click()
    expect_answer_kept(page.locator("section.question:not([hidden])"))  # the saved answer, shown again

    page.locator("#to-review").click()
    review = page.get_by_role("region", name="Review before submitting")
    expect(review.get_by_role("row").filter(has_text="Question 1")).to_contain_text("Answered")
    expect(review.get_by_role("row").filter(has_text="Question 2")).to_contain_text("Not answered, flagged")
    expect(review.get_by_role("row").filter(has_text="Question 3")).to_contain_text("Not answered")
    review.get_by_role("button", name="Submit and see the results").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit now").click()

    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    expect(page.get_by_role("table", name="Performance by domain")).to_contain_text("Beta domain")
    expect(page.get_by_text("(you flagged it)")).to_be_visible()
    explained = page.locator("details.explain").first
    expect(explained.locator(".explanation")).to_be_hidden()  # folded until asked for
    explained.locator("summary").click()
    expect(explained.locator(".explanation")).to_be_visible()
    expect(explained.get_by_role("link", name="Intro")).to_be_visible()  # back to the lesson that teaches it


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


def expect_answer_kept(section):
    """The answer that answer_visible_question gave is shown in the question's controls."""
    kind = section.get_attribute("data-type")
    if kind == "single":
        expect(section.get_by_role("radio").first).to_be_checked()
    elif kind == "multiple":
        expect(section.get_by_role("checkbox").first).to_be_checked()
    elif kind == "matching":
        for select in section.locator("select").all():
            expect(select).not_to_have_value("")
    else:
        expect(section.get_by_label("Your answer")).to_have_value("charter")
