"""A quiz taken with the keyboard alone, and a countdown that screen readers hear without being flooded."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in

FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.closest('label');
  return {tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id || '', value: el.value || '',
          checked: !!el.checked, name: (el.getAttribute('aria-label') || (label ? label.textContent : '')
          || el.textContent || '').replace(/\\s+/g, ' ').trim()};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, name: str | re.Pattern, backwards: bool = False, limit: int = 40) -> dict:
    """Press Tab (or Shift+Tab) until the focused control's accessible name matches `name`."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        seen.append(now["name"] or now["tag"])
        if (name.search(now["name"]) if isinstance(name, re.Pattern) else now["name"] == name):
            return now
    raise AssertionError(f"{name!r} not reached with {'Shift+' if backwards else ''}Tab; focus went through {seen}")


def start_practice(page, domain: str, count: int, minutes: int):
    page.goto("/quizzes")
    practice = page.locator("section.card").filter(has_text="Domain practice")
    practice.get_by_label("Domain").select_option(domain)
    practice.get_by_label("Questions").fill(str(count))
    practice.get_by_label("Timed").check()
    practice.get_by_label("Minutes").fill(str(minutes))
    practice.get_by_role("button", name="Start practice").click()
    expect(page.get_by_role("heading", name=f"Question 1 of {count}")).to_be_visible()


def visible_question(page):
    return page.locator("section.question:not([hidden])")


def test_a_practice_quiz_can_be_taken_with_the_keyboard_alone(page, quiz_imported, learner):
    log_in(page, learner.email)
    start_practice(page, "alpha", 3, 12)  # alpha: seven single-answer questions and one multiple-answer
    saved = page.get_by_role("status").filter(has_text="All answers saved.")

    # The attempt opens with focus on the first question's heading, so Tab goes straight into it.
    expect(page.get_by_role("heading", name="Question 1 of 3")).to_be_focused()

    # Move with Next (Tab to it, Enter) until a single-answer question is shown.
    number = 1
    while visible_question(page).get_attribute("data-type") != "single":
        tab_to(page, "Next")
        page.keyboard.press("Enter")
        number += 1
        expect(page.get_by_role("heading", name=f"Question {number} of 3")).to_be_focused()
    question = page.locator("#" + visible_question(page).get_attribute("id"))
    radios = question.get_by_role("radio")

    # Tab enters the radio group; Space picks the focused option; an arrow key moves to and picks the next.
    first = tab_to(page, re.compile(".+"))
    assert first["type"] == "radio" and not first["checked"]
    page.keyboard.press("Space")
    expect(radios.nth(0)).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(radios.nth(1)).to_be_checked()
    expect(radios.nth(0)).not_to_be_checked()
    expect(saved).to_be_visible()

    # Tab leaves the group for the option's strike-out; Enter strikes it out (and it is saved).
    strike = tab_to(page, re.compile(r"^Strike out option \d$"))
    page.keyboard.press("Enter")
    expect(question.get_by_role("button", name=strike["name"])).to_have_attribute("aria-pressed", "true")
    expect(saved).to_be_visible()

    # Shift+Tab goes back through the chosen option to the bar: Space flags the question shown.
    back = tab_to(page, re.compile(".+"), backwards=True)
    assert back["type"] == "radio" and back["checked"] and back["value"] == radios.nth(1).get_attribute("value")
    verdict = "Right" if back["name"].startswith("Right one") else "Wrong"  # the options are shuffled
    assert tab_to(page, "Flag for review", backwards=True)["type"] == "checkbox"
    page.keyboard.press("Space")
    expect(page.get_by_label("Flag for review")).to_be_checked()
    expect(saved).to_be_visible()

    # The calculator opens from the bar, takes typed keys, and Escape closes it back onto its button.
    tab_to(page, "Calculator")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Calculator")).to_be_visible()
    for key in ("1", "2", "*", "3", "="):
        page.keyboard.press(key)
    expect(page.locator("#calculator-display")).to_have_text("36")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Calculator")).to_be_hidden()
    expect(page.get_by_role("button", name="Calculator")).to_be_focused()

    # Next moves focus to the next question's heading (not back to the top of the page); the review
    # screen, one Enter away in the bar, opens any question again.
    if number < 3:
        tab_to(page, "Next")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name=f"Question {number + 1} of 3")).to_be_focused()
        expect(question).to_be_hidden()
        tab_to(page, "Review answers", backwards=True)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Review before submitting")).to_be_focused()
        tab_to(page, f"Question {number}")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name=f"Question {number} of 3")).to_be_focused()
        expect(question).to_be_visible()
        expect(question.get_by_role("button", name=strike["name"])).to_have_attribute("aria-pressed", "true")

    # Review answers, filter, then submit (cancelling once), all from the keyboard.
    tab_to(page, "Review answers", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Review before submitting")).to_be_focused()
    review = page.get_by_role("region", name="Review before submitting")
    expect(review.get_by_role("row").filter(has_text=f"Question {number}")).to_contain_text("Answered, flagged")
    tab_to(page, "Flagged (1)")
    page.keyboard.press("Enter")
    expect(review.locator("tbody tr:not([hidden])")).to_have_count(1)
    tab_to(page, "Submit and see the results")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Submit your answers?")
    expect(dialog).to_contain_text("2 unanswered and 1 flagged")
    expect(dialog.get_by_role("button", name="Cancel and go on")).to_be_focused()  # the safe choice first
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Submit and see the results")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "Submit now", backwards=True)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    expect(page.get_by_text("(you flagged it)")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(rf"^Question {number}: {verdict}\b"))).to_be_visible()


def test_the_timer_is_announced_without_flooding(page, quiz_imported, learner):
    page.clock.install()  # real time flows; fast_forward below jumps it
    log_in(page, learner.email)
    start_practice(page, "beta", 2, 5)  # five minutes: the 5-minute milestone is reached at the start
    timer, announce = page.locator("#timer"), page.locator("#timer-announce")
    expect(timer).to_have_text(re.compile(r"^4:5\d$|^5:00$"))

    # The countdown changes every second, so it must not be live: role="timer" is implicitly
    # aria-live="off", and nothing around it may make it live again.
    assert timer.get_attribute("role") == "timer"
    assert timer.evaluate("el => el.closest('[aria-live], [role=status], [role=alert], [role=log]')") is None
    assert announce.get_attribute("aria-live") == "polite"

    start = timer.inner_text()
    page.wait_for_timeout(3000)
    expect(timer).not_to_have_text(start)  # it does count down...
    assert announce.inner_text() == ""  # ...silently: no "5 minutes left" as a 5-minute quiz opens

    # Crossing the one-minute mark speaks once; the seconds after it add nothing.
    page.clock.fast_forward("03:59")
    expect(announce).to_have_text("1 minute left.")
    expect(timer).to_have_text(re.compile(r"^0:5\d$"))
    page.clock.fast_forward(5000)
    expect(timer).to_have_text(re.compile(r"^0:[45]\d$"))
    assert announce.inner_text() == "1 minute left."
