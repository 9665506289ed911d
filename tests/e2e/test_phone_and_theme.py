"""The site's chrome on a phone and in the dark: the menu button, the theme switch that remembers, print
that stays light, the lesson's contents after its title, and the icons and manifest a home screen uses."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in

PHONE = {"width": 390, "height": 844}
DARK_PAPER = "rgb(17, 21, 29)"
WHITE = "rgb(255, 255, 255)"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def background(page) -> str:
    return page.evaluate("() => getComputedStyle(document.body).backgroundColor")


def test_the_menu_folds_behind_a_button_on_a_phone(phone, imported, learner):
    phone.set_viewport_size({"width": 1280, "height": 800})
    log_in(phone, learner.email)
    phone.set_viewport_size(PHONE)
    nav = phone.get_by_role("navigation", name="Main")
    button = phone.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    assert phone.locator(".site-header").bounding_box()["height"] <= 60  # one compact row
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    nav.get_by_role("link", name="Dashboard").click()
    expect(phone.get_by_role("heading", name="Your progress")).to_be_visible()

    phone.set_viewport_size({"width": 1280, "height": 800})
    expect(button).to_be_hidden()
    expect(phone.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")).to_be_visible()


def test_without_javascript_the_menu_stays_open(browser, live_server, imported):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    context.close()


def test_the_theme_follows_the_system_and_the_switch_remembers_a_choice(browser, live_server, imported):
    context = browser.new_context(base_url=live_server, color_scheme="dark")
    page = context.new_page()
    page.goto("/login")
    assert background(page) == DARK_PAPER  # the system's preference, nothing chosen
    switch = page.get_by_label("Theme")
    expect(switch).to_have_value("auto")
    switch.select_option("light")
    assert background(page) == WHITE
    page.reload()  # the server sets the class from the cookie: no flash, no inline script
    assert background(page) == WHITE
    assert "theme-light" in page.evaluate("() => document.documentElement.className")
    expect(page.get_by_label("Theme")).to_have_value("light")
    page.goto("/register")
    assert background(page) == WHITE
    page.get_by_label("Theme").select_option("dark")
    page.emulate_media(color_scheme="light")
    page.reload()
    assert background(page) == DARK_PAPER  # the choice wins over the system
    page.get_by_label("Theme").select_option("auto")
    page.reload()
    assert background(page) == WHITE  # back to the system's (now light)
    assert not any(c["name"] == "learnpm-theme" for c in context.cookies())
    context.close()


def test_print_stays_light_in_the_dark_theme(browser, live_server, imported, learner):
    context = browser.new_context(base_url=live_server, color_scheme="dark")
    page = context.new_page()
    log_in(page, learner.email)
    page.goto("/courses/demo/first")
    page.get_by_label("Theme").select_option("dark")
    page.reload()
    assert background(page) == DARK_PAPER
    page.emulate_media(media="print")
    assert background(page) == WHITE
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.prose a')).color") != "rgb(147, 182, 255)"
    context.close()


def test_the_lesson_contents_come_after_the_title_folded_on_a_phone(browser, live_server, imported, learner):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    log_in(page, learner.email)
    page.goto("/courses/demo/first")
    toc = page.locator("details.toc")
    title = page.get_by_role("heading", level=1)
    assert toc.evaluate("(t) => !!(document.querySelector('h1').compareDocumentPosition(t) & 4)")  # after the h1
    expect(toc).to_have_attribute("open", "")
    assert toc.bounding_box()["x"] > title.bounding_box()["x"] + 300  # a sidebar on a desktop

    page.set_viewport_size(PHONE)
    page.reload()
    expect(toc).not_to_have_attribute("open", "")
    assert toc.bounding_box()["y"] > title.bounding_box()["y"]
    page.get_by_text("On this page").click()
    expect(toc.get_by_role("link", name="Section one")).to_be_visible()
    context.close()


def test_favicon_icons_and_manifest_are_served_with_their_types(client):
    html = client.get("/login").get_data(as_text=True)
    for href, kind in (("/static/icons/icon.svg", "image/svg+xml"), ("/static/icons/icon-32.png", "image/png"),
                       ("/static/icons/apple-touch-icon.png", "image/png"),
                       ("/static/manifest.webmanifest", "application/manifest+json")):
        assert f'href="{href}' in html, href
        response = client.get(href)
        assert response.status_code == 200 and response.mimetype == kind, (href, response.mimetype)
    manifest = json.loads(client.get("/static/manifest.webmanifest").get_data(as_text=True))
    assert manifest["short_name"] == "learnpm" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == icon["type"], icon


def test_no_request_of_a_page_fails(browser, live_server, imported):
    """The favicon 404 of every page is gone: every request a page makes answers below 400."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    failed = []
    page.on("response", lambda r: failed.append((r.url, r.status)) if r.status >= 400 else None)
    page.goto("/")
    page.goto("/login")
    icon = page.evaluate("() => document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200
    assert not failed, failed
    context.close()
