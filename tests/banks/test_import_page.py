"""/instructor/banks/import: upload, dry-run report, confirm in one transaction; who may; hostile uploads."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.models import ImportUpload, Question, QuestionBank
from tests.conftest import csrf_from

MOODLE = Path(__file__).parents[1] / "fixtures" / "moodle"
IN_CATEGORY = (MOODLE / "gift-questions_in_category.gift.txt").read_bytes()
PAGE = "/instructor/banks/import"


def keys(slug: str) -> list[str]:
    return sorted(db.session.scalars(select(Question.key).join(QuestionBank).where(QuestionBank.slug == slug)))


@pytest.fixture
def teacher(client, quiz_imported, instructor, login):
    login(instructor)
    return client


def upload(client, data: bytes, name="bank.gift", **fields):
    form = {"csrf_token": csrf_from(client, PAGE), "bank": "web", "format": "gift", "program": "mini",
            "domain": "alpha", "mapping": "", "file": (io.BytesIO(data), name)}
    form.update(fields)
    return client.post(PAGE, data=form, content_type="multipart/form-data")


def confirm_fields(html: str) -> dict:
    form = html[html.index('action="/instructor/banks/import/confirm"'):]
    form = form[:form.index("</form>")]
    return dict(re.findall(r'name="([a-z_]+)" type="hidden" value="([^"]*)"', form))


def test_anonymous_is_sent_to_log_in_and_learners_are_refused(client, quiz_imported, learner, login):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(learner)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"csrf_token": csrf_from(client, "/")}).status_code == 403


def test_dry_run_changes_nothing_then_confirm_imports_in_one_go(teacher):
    page = teacher.get(PAGE)
    assert page.status_code == 200 and 'name="file"' in page.text and 'name="mapping"' in page.text
    dry = upload(teacher, IN_CATEGORY, mapping="Default for New Features=beta:2.1")
    assert dry.status_code == 200
    assert "Dry run: nothing is changed yet" in dry.text
    assert "4 added, 0 changed, 0 unchanged, 0 not importable" in dry.text
    assert keys("web") == []  # nothing written by the dry run
    fields = confirm_fields(dry.text)
    assert set(fields) == {"csrf_token", "upload", "bank", "format", "program", "domain", "mapping", "token"}
    assert "file" not in fields and len(fields["upload"]) == 64  # the file stays on the server
    assert 'id="import-progress"' in dry.text and "<progress" in dry.text
    done = teacher.post(f"{PAGE}/confirm", data=fields)
    assert done.status_code == 200 and "Imported into web" in done.text
    assert "4 added, 0 changed, 0 unchanged, 0 not importable" in done.text
    assert keys("web") == ["web-greeting", "web-moodle-acronym", "web-moodle-activities", "web-moodle-user"]
    assert {q.domain + ":" + q.task for q in db.session.scalars(select(Question).where(Question.key.like("web-%")))} \
        == {"beta:2.1"}
    again = teacher.post(f"{PAGE}/confirm", data=fields)  # the upload was used: it is gone
    assert again.status_code == 409 and "no longer waiting" in again.text
    assert "0 added, 0 changed, 4 unchanged, 0 not importable" in upload(teacher, IN_CATEGORY).text


def test_confirm_imports_what_the_dry_run_read_never_what_the_browser_sends(teacher):
    fields = confirm_fields(upload(teacher, IN_CATEGORY).text)
    for name, value in (("bank", "elsewhere"), ("domain", "beta"), ("mapping", "x=beta"), ("token", "0" * 64)):
        assert teacher.post(f"{PAGE}/confirm", data={**fields, name: value}).status_code == 400
    assert teacher.post(f"{PAGE}/confirm", data={**fields, "csrf_token": ""}).status_code == 400
    # a newer upload replaces the waiting one: the older dry run cannot be confirmed any more
    newer = confirm_fields(upload(teacher, b"::Other:: Other? {T}\n").text)
    assert teacher.post(f"{PAGE}/confirm", data=fields).status_code == 409
    assert teacher.post(f"{PAGE}/confirm", data=newer).status_code == 200
    assert keys("web") == ["web-other"] and keys("elsewhere") == []


def test_a_waiting_upload_whose_bytes_changed_is_refused(teacher):
    fields = confirm_fields(upload(teacher, IN_CATEGORY).text)
    row = db.session.scalars(select(ImportUpload)).one()
    row.data = IN_CATEGORY + b"\n::Extra:: Sneaked in? {T}\n"
    db.session.commit()
    assert teacher.post(f"{PAGE}/confirm", data=fields).status_code == 409
    assert keys("web") == []


@pytest.mark.parametrize(("data", "why"), [
    (b"::Q:: Fine? {T}\n\x00\x00\x00", "NUL bytes"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
    ("::Q:: Caf\u00e9? {T}".encode("latin-1"), "not UTF-8 text"),
    (b"\xed\xa0\x80 lone surrogate encoded {T}", "not UTF-8 text"),
])
def test_binary_garbage_and_bad_encodings_get_a_not_importable_report(teacher, data, why):
    response = upload(teacher, data)
    assert response.status_code == 200 and why in response.text
    assert "0 added, 0 changed, 0 unchanged, 1 not importable" in response.text
    assert "Confirm the import" not in response.text and keys("web") == []


def test_xml_bomb_upload_is_refused_with_a_report(teacher):
    bomb = b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><quiz>&b;</quiz>'
    response = upload(teacher, bomb, name="bomb.xml", format="moodle-xml")
    assert response.status_code == 200 and "declares a DTD or entities" in response.text


def test_oversized_upload_is_a_clear_413(teacher):
    token = csrf_from(teacher, PAGE)
    body = (f'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            '--B\r\nContent-Disposition: form-data; name="file"; filename="big.gift"\r\n\r\n').encode()
    body += b"x" * (3 * 1024 * 1024) + b"\r\n--B--\r\n"
    response = teacher.post(PAGE, data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413 and "too large" in response.text
    assert db.session.scalars(select(ImportUpload)).all() == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"bank": "Not A Slug!"}, "A bank slug is 1 to 60 lowercase letters"),
    ({"mapping": "no equals sign"}, "is not CATEGORY=DOMAIN"),
    ({"mapping": "X=alpha:9.9"}, "has no task"),
    ({"format": "docx"}, "Not a valid choice"),
    ({"bank": ""}, "Name the bank"),
])
def test_bad_options_are_a_422_with_the_reason(teacher, fields, message):
    response = upload(teacher, IN_CATEGORY, **fields)
    assert response.status_code == 422 and message in response.text
    assert keys("web") == []


def test_no_file_is_a_422(teacher):
    response = teacher.post(PAGE, data={"csrf_token": csrf_from(teacher, PAGE), "bank": "web", "format": "gift",
                                        "program": "mini", "domain": "alpha"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to import." in response.text


def test_imported_text_shows_as_written_to_the_learner(client, quiz_imported, instructor, learner, login):
    """GIFT's `\\#` and Aiken's `<html class="cool">` are text: no heading, no vanished tag."""
    login(instructor)
    gift = b"::Hash:: Which symbol starts a GIFT comment line? {=\\# ~//}\n"
    confirm = confirm_fields(upload(client, gift, domain="beta").text)
    assert client.post(f"{PAGE}/confirm", data=confirm).status_code == 200
    aiken = (MOODLE / "aiken-questions.aiken.txt").read_bytes()
    confirm = confirm_fields(upload(client, aiken, name="a.txt", format="aiken", domain="beta").text)
    assert client.post(f"{PAGE}/confirm", data=confirm).status_code == 200
    for question in db.session.scalars(select(Question).where(Question.domain == "beta",
                                                              Question.bank_id != keys_bank("web"))):
        question.retired = True  # leave only the imported questions to draw
    db.session.commit()
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login(learner)
    token = csrf_from(client, "/")
    started = client.post("/api/v1/attempts", json={"mode": "practice", "domain": "beta", "count": 3,
                                                    "time_limit_seconds": 600}, headers={"X-CSRFToken": token})
    assert started.status_code == 201, started.get_json()
    shown = {q["stem_html"]: q for q in started.get_json()["questions"]}
    hash_question = next(q for stem, q in shown.items() if "GIFT comment" in stem)
    assert [o["html"] for o in hash_question["options"] if o["text"] == "#"] == ["#"]
    assert "<h1" not in str(started.get_json())
    cool = next(stem for stem in shown if "cool" in stem)
    assert "&lt;html class=&#34;cool&#34;&gt; &amp; images:" in cool or \
        "&lt;html class=&quot;cool&quot;&gt; &amp; images:" in cool


def keys_bank(slug: str) -> int:
    return db.session.scalar(select(QuestionBank.id).where(QuestionBank.slug == slug))
