"""The certificate PDF: its text, one landscape page, determinism, and a QR code that decodes."""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import shutil
import subprocess
import sys
from datetime import date

import pypdf
import pytest
from fpdf.fonts import TTFFont

from learnpm.certificates import pdf as pdf_module
from learnpm.certificates.pdf import CertificateSnapshot, render_certificate

MODULES = [
    ("Foundations of project work", 3.5),
    ("Planning the work", 3.4),
    ("People and roles", 2.8),
    ("Executing the plan and solving problems", 3.6),
    ("Predictive, plan-based delivery", 3.2),
    ("Agile frameworks and methodologies", 3.9),
    ("Business analysis frameworks", 3.0),
    ("Working with data and engineers", 2.9333),
]


@pytest.fixture
def snapshot() -> CertificateSnapshot:
    return CertificateSnapshot(
        code="LPM-7K3Q-9XWD-2M4T",
        learner_name="Zoë Łukasiewicz-Müller",
        course_title="CAPM Exam Prep: Project Management Fundamentals for Technical Teams",
        program_title="Certified Associate in Project Management (CAPM)",
        provider_name="learnpm Academy",
        provider_number="4711",
        contact_hours=23.3333,
        started_on=date(2025, 3, 3),
        completed_on=date(2025, 4, 28),
        issued_on=date(2025, 4, 29),
        modules=MODULES,
        signatory_name="Dr. Margarethe Øvergaard",
        signatory_title="Director of Studies",
        verify_url="https://learnpm.example.org/certificates/verify/LPM-7K3Q-9XWD-2M4T",
    )


def read(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(data).pages)


def assert_one_landscape_page(data: bytes) -> None:
    reader = read(data)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.rotation == 0
    assert float(page.mediabox.width) == pytest.approx(841.89, abs=0.1)  # A4 long side, in points
    assert float(page.mediabox.height) == pytest.approx(595.28, abs=0.1)


@pytest.mark.parametrize("name", ["Zoë Łukasiewicz-Müller", "Γιώργος Παπαδόπουλος", "Анна Иванова"])
def test_prints_every_field(snapshot, name):
    text = text_of(render_certificate(dataclasses.replace(snapshot, learner_name=name)))
    lines = text.splitlines()
    assert name in lines
    assert "Certificate of Contact Hours" in lines
    assert "This certifies that" in lines
    assert "has completed 23.3 contact hours of project management education in" in lines
    assert snapshot.course_title in lines
    assert "in preparation for the Certified Associate in Project Management (CAPM)" in lines
    assert "Studied from 3 March 2025 to 28 April 2025" in lines
    assert "29 April 2025" in lines
    assert snapshot.code in lines
    assert snapshot.verify_url in text
    assert "Dr. Margarethe Øvergaard" in lines
    assert "Director of Studies" in lines
    assert "learnpm Academy" in lines
    assert "Provider number 4711" in lines
    assert "This certificate is not issued or endorsed by PMI." in text
    assert "Contact hours are 60-minute hours of instruction recorded by learnpm." in text
    for title, hours in MODULES:
        assert f"{title} {hours:.1f}" in lines
    assert "Working with data and engineers 2.9" in lines
    assert "Total contact hours 23.3" in lines


def test_metadata(snapshot):
    metadata = read(render_certificate(snapshot)).metadata
    assert metadata.title == "Certificate LPM-7K3Q-9XWD-2M4T"
    assert metadata.author == "learnpm Academy"
    assert metadata.subject == snapshot.course_title
    assert metadata["/CreationDate"] == "D:20250429000000Z"


def test_one_landscape_page(snapshot):
    assert_one_landscape_page(render_certificate(snapshot))


def test_same_snapshot_gives_identical_bytes(snapshot):
    first = render_certificate(snapshot)
    again = render_certificate(dataclasses.replace(snapshot, modules=list(MODULES)))
    assert first == again
    assert b"/ID [<" in first


def test_different_snapshots_give_different_bytes(snapshot):
    base = render_certificate(snapshot)
    assert render_certificate(dataclasses.replace(snapshot, code="LPM-AAAA-BBBB-CCCC")) != base
    assert render_certificate(dataclasses.replace(snapshot, issued_on=date(2025, 4, 30))) != base


def test_cached_fonts_give_the_same_pdf_as_freshly_parsed_ones(snapshot, monkeypatch):
    cached = render_certificate(snapshot)

    def add_fresh_fonts(pdf):
        for template, data in pdf_module._font_templates():
            style = template.fontkey.removeprefix(pdf_module.FAMILY)
            pdf.fonts[template.fontkey] = TTFFont(pdf, io.BytesIO(data), template.fontkey, style)

    monkeypatch.setattr(pdf_module, "_add_fonts", add_fresh_fonts)
    assert render_certificate(snapshot) == cached


def test_very_long_name_and_titles_stay_on_one_page(snapshot):
    long_name = "Maria-Alexandra Konstantinopoulou-Wolfeschlegelsteinhausenbergerdorff von Hohenzollern " * 4
    data = render_certificate(dataclasses.replace(
        snapshot,
        learner_name=long_name,
        course_title="A Remarkably Long Course Title About Agile, Hybrid and Predictive Delivery " * 3,
        provider_name="An International Provider of Project Management Education Services GmbH & Co. KG " * 2,
        signatory_title="Director of Studies, Continuing Education and Professional Certification " * 2,
        modules=[(f"Module {n}: a long title that would overflow the column width " * 2, 1.5) for n in range(12)],
    ))
    assert_one_landscape_page(data)
    text = text_of(data)
    assert "Maria-Alexandra Konstantinopoulou-Wolfeschlegelsteinhausenbergerdorff" in text
    assert "Module 11:" in text
    assert snapshot.verify_url in text


def test_twelve_modules_fit_on_the_page(snapshot):
    modules = [(f"Module number {n} of the course", 2.0) for n in range(1, 13)]
    data = render_certificate(dataclasses.replace(snapshot, modules=modules))
    assert_one_landscape_page(data)
    lines = text_of(data).splitlines()
    for title, _ in modules:
        assert f"{title} 2.0" in lines


def test_combining_accents_print_composed(snapshot):
    text = text_of(render_certificate(dataclasses.replace(snapshot, learner_name="Zoe\u0308 Mu\u0308ller")))
    assert "Zoë Müller" in text.splitlines()


def test_no_provider_number_line_without_a_number(snapshot):
    text = text_of(render_certificate(dataclasses.replace(snapshot, provider_number=None)))
    assert "Provider number" not in text


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools) to render the page and decode its QR code",
)
def test_qr_code_decodes_to_the_verify_url(snapshot, tmp_path):
    pdf_path = tmp_path / "certificate.pdf"
    pdf_path.write_bytes(render_certificate(snapshot))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf_path), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=30)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page.png")],
                             check=True, capture_output=True, text=True, timeout=30)
    assert decoded.stdout.strip() == snapshot.verify_url


def test_bytes_do_not_depend_on_the_process_or_its_hash_seed(snapshot):
    script = ("import pickle, sys\n"
              "from learnpm.certificates.pdf import render_certificate\n"
              "sys.stdout.buffer.write(render_certificate(pickle.load(sys.stdin.buffer)))\n")
    other = subprocess.run([sys.executable, "-c", script], input=pickle.dumps(snapshot), capture_output=True,
                           check=True, timeout=60, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert other.stdout == render_certificate(snapshot)
