"""A learner takes quizzes through the API, then opens the dashboard and sees the new score and domain bands."""

import re

from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in
from tests.quizzes.test_attempts_api import right_answer


def take_quiz(page, domain: str, right: bool) -> dict:
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    headers = {"X-CSRFToken": token}
    started = page.request.post("/api/v1/attempts", headers=headers,
                                data={"mode": "practice", "domain": domain, "count": 4})
    assert started.status == 201, started.text()
    attempt = started.json()
    for question in attempt["questions"]:
        if right:
            answer = right_answer(question["id"])
        elif question["type"] == "single":
            answer = next(o["id"] for o in question["options"] if o["id"] != right_answer(question["id"]))
        else:
            continue  # left unanswered: graded wrong
        saved = page.request.put(f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", headers=headers,
                                 data={"answer": answer})
        assert saved.status == 200, saved.text()
    submitted = page.request.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers)
    assert submitted.status == 200, submitted.text()
    return submitted.json()


def test_the_dashboard_shows_the_new_score_and_domain_bands_after_a_quiz(page, quiz_imported, learner):
    log_in(page, learner.email)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.get_by_text("No estimate yet")).to_be_visible()

    assert take_quiz(page, "alpha", right=True)["score_percent"] == 100.0
    assert take_quiz(page, "beta", right=False)["score_percent"] == 0.0
    page.reload()

    for summary in page.get_by_text("The figures as a table").all():  # each chart's table is folded under it
        summary.click()
    scores = page.get_by_role("table", name="Scores of closed quizzes, oldest first")
    expect(scores.get_by_role("row").nth(1)).to_contain_text("100.0 %")
    expect(scores.get_by_role("row").nth(2)).to_contain_text("0.0 %")
    domains = page.get_by_role("table", name="Performance by domain over your recent scored answers")
    expect(domains.get_by_role("row").filter(has_text="Alpha domain")).to_contain_text("Above Target")
    expect(domains.get_by_role("row").filter(has_text="Beta domain")).to_contain_text("Needs Improvement")
    expect(page.get_by_role("img", name=re.compile("Performance by domain"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"from 8 scored questions"))).to_be_visible()
    weak = page.get_by_role("region", name="Weak areas to study next")
    expect(weak.get_by_role("button", name="Practice Beta domain")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ questions? due for review now"))).to_be_visible()

    weak.get_by_role("button", name="Practice Beta domain").click()        # straight into a practice quiz
    expect(page.get_by_role("heading", name=re.compile(r"Question 1 of"))).to_be_visible()
