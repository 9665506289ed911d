"""Names in any script on a certificate: shaped, in their direction, read back with pypdf and rendered with pdftoppm;
or refused at issuance with a clear message, never a blank."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import unicodedata
from datetime import date

import pypdf
import pytest
from sqlalchemy import select

from learnpm.certificates.models import Certificate
from learnpm.certificates.pdf import CertificateSnapshot, render_certificate, unprintable
from learnpm.certificates.services import name_problem
from learnpm.extensions import db
from tests.certificates import test_issuance as base

app_config, study = base.app_config, base.study

NAMES = {
    "latin": "Zoë Łukasiewicz-Müller",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "cyrillic": "Дмитрий Шостакович",
    "chinese": "王小明",
    "japanese": "佐藤 花子",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד לוי",
    "devanagari": "अनीता शर्मा",
}

RIGHT_TO_LEFT = {"arabic", "hebrew"}

SNAPSHOT = CertificateSnapshot(
    code="LPM-7K3Q-9XWD-2M4T", learner_name="", course_title="CAPM Exam Prep", program_title="CAPM",
    provider_name="learnpm Academy", provider_number=None, contact_hours=23.3, started_on=date(2025, 3, 3),
    completed_on=date(2025, 4, 28), issued_on=date(2025, 4, 29), modules=[("Basics", 23.3)],
    signatory_name="Jane Doe", signatory_title="Director of Studies",
    verify_url="https://learnpm.example.org/verify/LPM-7K3Q-9XWD-2M4T")


def _pypdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    # pypdf reads the two-byte codes of a CFF (CJK) font with a NUL before each character: drop it
    return text.replace("\x00", "")


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _ink(data: bytes, tmp_path, label: str) -> int:
    """Render the page with pdftoppm (grey, 40 dpi) and count the dark pixels in the name's band."""
    pdf = tmp_path / f"{label}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-singlefile", str(pdf), str(tmp_path / label)], check=True)
    raw = (tmp_path / f"{label}.pgm").read_bytes()
    _, size, _, pixels = raw.split(b"\n", 3)
    width, height = map(int, size.split())
    band = pixels[int(height * 0.19) * width:int(height * 0.27) * width]
    return sum(1 for value in band if value < 128)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (make system-deps)")
@pytest.mark.parametrize("script", sorted(NAMES))
def test_a_name_in_every_script_prints_reads_back_and_renders(script, tmp_path):
    name = NAMES[script]
    assert unprintable(name) is None
    data = render_certificate(dataclasses.replace(SNAPSHOT, learner_name=name))
    # pypdf reads words in the order they stand on the page: right to left for Arabic and Hebrew
    visual = " ".join(reversed(name.split())) if script in RIGHT_TO_LEFT else name
    assert _squeeze(visual) in _squeeze(_pypdf_text(data))
    pdftotext = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert _squeeze(name) in _squeeze(pdftotext)
    blank = render_certificate(dataclasses.replace(SNAPSHOT, learner_name="-"))
    assert _ink(data, tmp_path, "named") > 1.5 * _ink(blank, tmp_path, "blank")  # the name is drawn, not blank


def test_arabic_is_shaped_and_right_to_left():
    data = render_certificate(dataclasses.replace(SNAPSHOT, learner_name=NAMES["arabic"]))
    fonts = {str(font.get_object()["/BaseFont"]) for font in
             pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()}
    assert any("NotoSansArabic" in font for font in fonts)
    lines = _pypdf_text(data).splitlines()
    assert "الله عبد محمد" in lines  # the first word stands rightmost: laid out right to left


def test_the_same_snapshot_gives_the_same_bytes_in_any_script():
    snap = dataclasses.replace(SNAPSHOT, learner_name=NAMES["devanagari"])
    assert render_certificate(snap) == render_certificate(snap)


@pytest.mark.parametrize("name, message", [
    ("Ana 🙂", "cannot print '🙂' (U+1F642)"),
    ("Eve\u202eliam", "invisible or control character (U+202E)"),
    ("Esc\x1b[31m", "invisible or control character (U+001B)"),
])
def test_a_name_the_certificate_cannot_print_is_refused_at_issuance(runner, make_user, study, name, message):
    learner = make_user(email="named@example.com", name="Placeholder")
    study(learner)
    learner.name = name
    db.session.commit()
    result = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert result.exit_code == 1 and message in result.output, result.output
    assert db.session.scalar(select(Certificate)) is None


@pytest.mark.parametrize("name, hidden", [("Nul\x00l", "U+0000"), ("Zero\u200bwidth", "U+200B"),
                                          ("Iso\u2066late", "U+2066"), ("Line\u2028break", "U+2028")])
def test_hidden_characters_are_named_by_the_issuance_check(name, hidden):
    # A NUL never reaches PostgreSQL (the input guard refuses it); the check still names it for SQLite rows.
    assert f"invisible or control character ({hidden})" in name_problem(name)
    assert name_problem("Anaïs Nguyễn-Thị") is None and name_problem("می\u200cخواهم") is None


def test_a_learner_with_a_chinese_name_gets_a_certificate_with_the_name(runner, make_user, study, client, login):
    learner = make_user(email="wang@example.com", name="王小明")
    study(learner)
    result = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert result.exit_code == 0, result.output
    certificate = db.session.scalar(select(Certificate))
    assert "王小明" in _pypdf_text(certificate.pdf)
