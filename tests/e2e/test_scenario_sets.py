"""A scenario set in Chromium: the case stands beside each of its questions (above them on a phone)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_exam_simulator import shoot, shown
from tests.e2e.test_exam_simulator import sized as sized  # noqa: F401  (a fixture)
from tests.e2e.test_journey_authoring import log_in
from tests.quizzes.test_scenario_sets import CASE, FRONT, item


@pytest.fixture
def quiz_content(quiz_content):
    (quiz_content / "media/cases").mkdir(parents=True)
    (quiz_content / "media/cases/warehouse.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 80" width="300" height="80">'
        '<rect x="10" y="10" width="120" height="60" fill="none" stroke="#222"/>'
        '<rect x="170" y="10" width="120" height="60" fill="none" stroke="#222"/>'
        '<text x="30" y="45" font-size="14">Old site</text><text x="190" y="45" font-size="14">New site</text></svg>')
    (quiz_content / "questions/sets.md").write_text(FRONT + CASE + item("s-1") + item("s-2") + item("s-3"))
    return quiz_content


def test_the_case_is_shown_beside_each_question_of_its_set(sized, quiz_imported, learner):
    page = sized
    log_in(page, learner.email)
    page.goto("/quizzes")
    practice = page.locator("section.card").filter(has_text="Domain practice")
    practice.get_by_label("Domain").select_option("alpha")
    practice.get_by_label("Questions").fill("11")
    practice.get_by_role("button", name="Start practice").click()
    expect(page.get_by_role("heading", name="Question 1 of 11")).to_be_visible()
    while shown(page).get_attribute("data-key") != "s-1":
        shown(page).get_by_role("button", name="Next").click()
    for index in (1, 2, 3):
        question = shown(page)
        assert question.get_attribute("data-key") == f"s-{index}"  # together and in order
        expect(page.locator("section.question:visible")).to_have_count(1)  # one question at a time
        case = question.get_by_role("complementary")
        expect(case).to_contain_text("The warehouse move")
        expect(case).to_contain_text(f"(question {index} of 3 on this case)")
        expect(case.get_by_role("table")).to_be_visible()
        expect(case.get_by_role("img", name=re.compile("floor plan"))).to_be_visible()
        box, stem = case.bounding_box(), question.locator(".stem").bounding_box()
        if page.width_name == "desktop":
            assert box["x"] + box["width"] <= stem["x"], "the case stands beside the question"
        else:
            assert box["y"] + box["height"] <= stem["y"], "on a phone the case comes first"
        if index == 1:
            shoot(page, "scenario")
        if index < 3:
            question.get_by_role("button", name="Next").click()
