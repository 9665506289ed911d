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
    for _ in range(8):  # keep "using" the page while it beats every second
        page.mouse.move(100, 200)
        page.mouse.wheel(0, 40)
        page.wait_for_timeout(500)
    page.goto("/hours")
    row = page.get_by_role("row").filter(has_text="First lesson")
    expect(row).to_be_visible()
    counted = row.get_by_role("cell").nth(1).inner_text()
    seconds = int(re.match(r"(\d+) s", counted).group(1))
    assert 2 <= seconds <= 6, counted
    total = page.request.get("/api/v1/me/hours").json()["total_seconds"]
    assert total == seconds
