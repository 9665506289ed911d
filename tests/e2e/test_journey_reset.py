"""A learner who forgot the password: ask for a link, open it from the mail, choose a new one, log in."""

import pytest
from playwright.sync_api import expect

from tests.mail_fixtures import link_in

OLD = "a perfectly fine test passphrase"
NEW = "copper kettles sing at dawn"


@pytest.fixture
def app_config(smtp_server):
    return {"LEARNPM_SMTP_URL": smtp_server[1]}


def test_forgot_password_link_from_the_mail_new_password_log_in(page, smtp_server, make_user):
    inbox, _ = smtp_server
    make_user(email="mara@example.com", name="Mara Lind", password=OLD)
    page.goto("/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill("mara@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    [message] = inbox.wait_for(1)
    page.goto(link_in(message))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill(NEW)
    page.get_by_label("Repeat the password").fill(NEW)
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()

    page.get_by_label("Email").fill("mara@example.com")
    page.get_by_label("Password").fill(OLD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("link", name="Mara Lind").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
