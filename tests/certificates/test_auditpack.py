"""The audit pack: the certificate, the course's ledger as CSV, JSON and xAPI, a README; the same bytes every time."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest

from tests.certificates import test_issuance as base
from tests.certificates.test_issuance import only_certificate

# The shared fixtures of these tests: the test settings and study time for a learner (the clock is shared).
app_config, study = base.app_config, base.study


@pytest.fixture
def pack(client, login, learner, runner, study):
    study(learner)
    assert runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"]).exit_code == 0
    certificate = only_certificate()
    login(learner)
    response = client.get(f"/certificates/{certificate.code}/audit-pack.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f'filename="audit-pack-{certificate.code}.zip"' in response.headers["Content-Disposition"]
    return certificate, response.data


def test_the_pack_holds_the_pdf_the_ledger_and_a_readme(client, pack):
    certificate, data = pack
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["README.txt", f"certificate-{certificate.code}.pdf", "ledger.csv", "ledger.json",
                                  "xapi-statements.json"]
    pdf = archive.read(f"certificate-{certificate.code}.pdf")
    assert pdf == client.get(f"/certificates/{certificate.code}.pdf").data
    readme = archive.read("README.txt").decode()
    assert certificate.code in readme and hashlib.sha256(pdf).hexdigest() in readme
    assert "ledger.csv, ledger.json" in readme and "xapi-statements.json" in readme
    assert "They add up to 84000 seconds" in readme


def test_the_ledger_as_csv_and_json(pack, learner):
    certificate, data = pack
    archive = zipfile.ZipFile(io.BytesIO(data))
    rows = list(csv.DictReader(io.StringIO(archive.read("ledger.csv").decode())))
    assert [(r["seq"], r["source"], r["lesson"], r["title"], r["seconds"]) for r in rows] == [
        ("1", "engagement", "demo/first", "First lesson", "600"),
        ("2", "engagement", "demo/third", "Third lesson", "600"),
        ("3", "live", "", "Demo course", "82800"),
    ]
    assert rows[2]["reason"] == "Live workshop" and len(rows[0]["hash"]) == 64
    ledger = json.loads(archive.read("ledger.json"))
    assert ledger["certificate"] == certificate.code and ledger["email"] == learner.email
    assert [e["seconds"] for e in ledger["entries"]] == [600, 600, 82800]
    assert sum(e["seconds"] for e in ledger["entries"]) == certificate.snapshot["contact_seconds"]
    assert ledger["entries"][0]["occurred_on"] == "2026-11-25"
    assert ledger["entries"][0]["started_at"].endswith("Z")


def test_the_ledger_as_xapi_statements(pack, learner):
    _, data = pack
    statements = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("xapi-statements.json"))
    assert len(statements) == 3
    first, _, live = statements
    assert first["actor"] == {"objectType": "Agent", "name": "Lena Learner", "mbox": f"mailto:{learner.email}"}
    assert first["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"
    assert first["object"]["id"] == "https://learn.example.org/courses/demo/first"
    assert first["object"]["definition"]["name"] == {"en-US": "First lesson"}
    assert first["context"]["contextActivities"]["parent"][0]["id"] == "https://learn.example.org/courses/demo"
    assert first["result"]["duration"] == "PT600S"
    # the start of the first credited interval
    assert first["timestamp"].startswith("2026-11-25T09:00:00") and first["timestamp"].endswith("Z")
    assert live["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended"
    assert live["object"]["id"] == "https://learn.example.org/courses/demo"
    assert live["result"]["duration"] == "PT82800S"
    assert live["timestamp"] == "2026-11-27T00:00:00Z"
    assert len({s["id"] for s in statements}) == 3


def test_the_pack_is_the_same_bytes_every_time_with_fixed_timestamps(client, pack):
    certificate, data = pack
    assert client.get(f"/certificates/{certificate.code}/audit-pack.zip").data == data
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        assert info.date_time == (2026, 11, 27, 0, 0, 0)


def test_rows_recorded_after_issue_stay_out_of_the_pack(client, pack, learner, study):
    certificate, data = pack
    study(learner, live_minutes=30, lessons=())
    again = client.get(f"/certificates/{certificate.code}/audit-pack.zip").data
    assert again == data


def test_a_correction_becomes_a_statement_with_signed_seconds_and_no_negative_duration():
    from datetime import date

    from learnpm.certificates.auditpack import PackInfo, statement

    info = PackInfo(code="LPM-2222-3333-4444", learner_name="Ann", learner_email="ann@example.com",
                    course_slug="demo", course_title="Demo course", issued_on=date(2026, 1, 2),
                    contact_seconds=100, pdf_sha256="0" * 64, public_url="https://x.example")
    record = {"seq": 4, "course": "demo", "lesson": "demo/first", "title": "First lesson", "source": "correction",
              "seconds": -1800, "reason": "Left early", "recorded_by": "boss@example.com",
              "occurred_on": "2026-01-01", "started_at": None, "hash": "a" * 64}
    result = statement(info, record)
    assert result["verb"]["id"] == "https://x.example/xapi/verbs/corrected"
    assert "duration" not in result["result"]
    assert result["result"]["extensions"]["https://x.example/xapi/extensions/seconds"] == -1800
    assert result["object"]["id"] == "https://x.example/courses/demo"
    assert result["timestamp"] == "2026-01-01T00:00:00Z"
