"""One way to show hours: every page, export and PDF agrees on the same figures."""

import re

import pytest

from learnpm.hours.display import format_hours, format_remaining


@pytest.mark.parametrize("seconds, text", [(0, "0.0"), (359, "0.0"), (360, "0.1"), (82_799, "22.9"),
                                           (82_800, "23.0"), (-1_800, "-0.5"), (-2_000, "-0.5"), (90_000, "25.0")])
def test_hours_are_truncated_to_a_tenth(seconds, text):
    assert format_hours(seconds) == text


def test_every_page_shows_the_same_total_and_the_same_hours_to_go(client, imported, learner, login, runner):
    runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "5", "--reason", "Live class"])
    login(learner)
    hours_page = client.get("/hours").get_data(as_text=True)
    certificates = client.get("/certificates").get_data(as_text=True)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "0.0 of 23.0 hours" in hours_page and "23.0 hours to go" in hours_page
    assert "23.0 more hours of study (0.0 of 23.0 so far)" in certificates
    assert "0.0 of 23.0 contact hours" in certificates
    assert re.search(r"0\.0 of 23\.0 hours", dashboard) and "23.0 hours still needed" in dashboard
    assert format_remaining(300, 82_800) == "23.0"


def test_the_pdf_the_verify_page_and_the_audit_pack_print_the_same_hours(client, imported, learner, login, runner):
    import io
    import zipfile

    from pypdf import PdfReader

    runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "1379", "--reason", "Live class"])
    runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "1", "--reason", "Live class"])
    result = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    code = re.search(r"LPM-[A-Z0-9-]+", result.output).group(0)
    login(learner)
    pdf_text = " ".join((PdfReader(io.BytesIO(client.get(f"/certificates/{code}.pdf").data)).pages[0].extract_text()
                         or "").split())
    assert "23.0 contact hours" in pdf_text
    assert "<td>23.0</td>" in client.get(f"/verify/{code}").get_data(as_text=True)
    pack = zipfile.ZipFile(io.BytesIO(client.get(f"/certificates/{code}/audit-pack.zip").data))
    readme = next(pack.read(n).decode() for n in pack.namelist() if n.lower().endswith((".txt", ".md")))
    assert "Contact hours:  23.0" in readme
