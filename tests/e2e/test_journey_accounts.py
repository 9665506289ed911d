"""First journey: the public catalog, registering, logging out and in again."""

from playwright.sync_api import expect

PASSWORD = "lanterns drift over quiet harbours"


def test_visitor_registers_logs_out_and_logs_back_in(page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    page.get_by_role("link", name="Register").click()

    # A mistake first: the form explains it and keeps what was typed.
    page.get_by_label("Full name").fill("Ngozi Okafor")
    page.get_by_label("Email").fill("ngozi@example.com")
    page.get_by_label("Password", exact=True).fill("too short")
    page.get_by_label("Repeat the password").fill("too short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("Use 15 to 128 characters")
    expect(page.get_by_label("Full name")).to_have_value("Ngozi Okafor")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome, Ngozi Okafor")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("NGOZI@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
