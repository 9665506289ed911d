"""A learner with enough hours issues the certificate, downloads the PDF, and the verification page says valid."""

import hashlib
import re

from playwright.sync_api import expect

from tests.e2e.test_journey_authoring import log_in


def test_learner_issues_downloads_and_verifies_a_certificate(page, runner, imported, learner):
    recorded = runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "1400",
                                   "--reason", "Live classes"])
    assert recorded.exit_code == 0, recorded.output
    log_in(page, learner.email)
    page.get_by_role("link", name="Certificates", exact=True).click()
    expect(page.get_by_role("heading", name="Your certificates", level=1)).to_be_visible()
    expect(page.get_by_text("23.3 of 23.0 contact hours")).to_be_visible()

    page.get_by_role("button", name="Get your certificate for Demo course").click()
    expect(page.get_by_text("Your certificate is ready")).to_be_visible()
    link = page.get_by_role("link", name=re.compile(r"^Certificate LPM-[A-Z0-9-]+ \(PDF\)$"))
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    code = re.fullmatch(r"/certificates/(LPM-[A-Z0-9-]+)\.pdf", href).group(1)

    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"certificate-{code}.pdf" in response.headers["content-disposition"]
    body = response.body()
    assert body.startswith(b"%PDF-")
    assert page.request.get(href).body() == body

    page.get_by_role("link", name="Verification page").click()
    expect(page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Valid.")
    expect(page.locator(".sha256")).to_have_text(hashlib.sha256(body).hexdigest())
    expect(page.get_by_role("row", name="Learner Lena Learner")).to_be_visible()
