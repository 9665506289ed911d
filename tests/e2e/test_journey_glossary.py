"""A learner goes from the course page to the glossary, studies a flashcard and opens the formula sheet."""

from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in
from tests.glossary.test_glossary import aids as aids  # noqa: F401  (fixtures)
from tests.glossary.test_glossary import aids_content as aids_content  # noqa: F401


def test_course_page_to_glossary_flashcards_and_formula_sheet(page, aids, learner):
    log_in(page, learner.email)
    page.goto("/courses/mini-course")
    aids_nav = page.get_by_role("navigation", name="Study aids")
    aids_nav.get_by_role("link", name="flashcards").click()
    expect(page.get_by_role("heading", name="Burndown chart")).to_be_visible()
    definition = page.get_by_text("A chart of the work left against time.")
    expect(definition).to_be_hidden()  # the back of the card stays hidden until asked for
    page.get_by_text("Show the definition").click()
    expect(definition).to_be_visible()
    page.get_by_role("button", name="Good").click()
    expect(page.get_by_role("heading", name="Critical path")).to_be_visible()
    expect(page.get_by_text("1 of 3 glossary terms studied")).to_be_visible()

    page.goto("/courses/mini-course")
    page.get_by_role("navigation", name="Study aids").get_by_role("link", name="Formula sheet").click()
    expect(page.get_by_role("heading", name="Communication channels")).to_be_visible()
    page.get_by_role("link", name="Glossary").click()
    page.get_by_label("Find a term").fill("slip")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("status")).to_contain_text("1 term match")
    expect(page.get_by_role("link", name="Intro")).to_be_visible()
