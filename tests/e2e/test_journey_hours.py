"""A learner reads a lesson with a short heartbeat; the hours page shows the credited time."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in


@pytest.fixture
def app_config():
    return {"LEARNPM_HEARTBEAT_SECONDS": 1}


def test_reading_a_lesson_counts_time_on_the_hours_page(page, imported, learner):
    log_in(page, learner.email)
    page.goto("/courses/demo/first")
    expect(page.get_by_role("heading", name="First lesson", level=1)).to_be_visible()
    credited = 0
    for step in range(60):  # read, and use the page, until the server has credited a few seconds
        page.mouse.move(100 + step % 7, 200)
        page.wait_for_timeout(250)
        credited = page.request.get("/api/v1/me/hours").json()["total_seconds"]
        if credited >= 3:
            break
    assert credited >= 3
    page.goto("/hours")
    lessons = page.get_by_role("table", name="Time on each lesson you have studied")
    row = lessons.get_by_role("row").filter(has_text="First lesson")
    expect(row).to_be_visible()
    counted = row.get_by_role("cell").nth(1).inner_text()
    seconds = int(re.match(r"(\d+) s", counted).group(1))
    total = page.request.get("/api/v1/me/hours").json()["total_seconds"]
    assert seconds == total and 3 <= total <= 10, (counted, total)
