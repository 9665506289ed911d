"""An instructor edits a lesson with a live preview; a learner then reads the new text."""

from playwright.sync_api import expect

from tests.conftest import DEFAULT_PASSWORD


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # attached, not visible: on a phone the log-out button is inside the folded menu
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_be_attached()


def test_instructor_edits_previews_saves_and_learner_sees_it(browser, live_server, imported, instructor,
                                                            learner):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    log_in(page, instructor.email)
    page.goto("/instructor/lessons")
    page.get_by_role("link", name="Second lesson").click()

    body = page.get_by_label("Lesson text (Markdown)")
    body.fill("## Risk appetite\n\nHow much uncertainty a sponsor accepts.\n\n<script>alert(1)</script>\n\n"
              "## Exercise (5 minutes)\n\nName your sponsor's appetite.\n")
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Risk appetite")).to_be_visible()
    expect(preview).not_to_contain_text("alert(1)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as revision 2.")).to_be_visible()

    page.get_by_role("link", name="Revision history").click()
    expect(page.get_by_role("cell", name="content import")).to_be_visible()
    expect(page.get_by_role("cell", name=instructor.name)).to_be_visible()
    page.get_by_role("link", name="2", exact=True).click()
    expect(page.locator(".diff .added").first).to_contain_text("Risk appetite")
    expect(page.locator(".diff .removed").first).to_be_visible()
    context.close()

    reader = browser.new_context(base_url=live_server).new_page()
    log_in(reader, learner.email)
    reader.goto("/courses/demo/second")
    expect(reader.get_by_role("heading", name="Risk appetite")).to_be_visible()
    expect(reader.get_by_text("How much uncertainty a sponsor accepts.")).to_be_visible()
    reader.context.close()
