"""The audit pack: one deterministic ZIP with the certificate, its ledger rows and xAPI statements (pure)."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date

from learnpm.hours.display import format_hours

CSV_FIELDS = ["seq", "occurred_on", "course", "lesson", "title", "source", "seconds", "reason", "recorded_by",
              "started_at", "ended_at", "corrects", "created_at", "hash"]
VERBS = {
    "engagement": ("http://adlnet.gov/expapi/verbs/experienced", "experienced"),
    "live": ("http://adlnet.gov/expapi/verbs/attended", "attended"),
}
LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
FILE_MODE = 0o644 << 16


@dataclass(frozen=True)
class PackInfo:
    code: str
    learner_name: str
    learner_email: str
    course_slug: str
    course_title: str
    issued_on: date
    contact_seconds: int
    pdf_sha256: str
    public_url: str


def _csv(records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def _timestamp(record: dict) -> str:
    return record["started_at"] or f"{record['occurred_on']}T00:00:00Z"


def statement(info: PackInfo, record: dict) -> dict:
    """Describe one ledger row as an xAPI statement (a correction gets learnpm's own verb)."""
    base = info.public_url
    course_activity = {"objectType": "Activity", "id": f"{base}/courses/{record['course']}",
                       "definition": {"type": COURSE_TYPE, "name": {"en-US": info.course_title}}}
    if record["lesson"] and record["source"] == "engagement":
        target = {"objectType": "Activity", "id": f"{base}/courses/{record['lesson']}",
                  "definition": {"type": LESSON_TYPE, "name": {"en-US": record["title"]}}}
        context = {"contextActivities": {"parent": [course_activity]}}
    else:
        target, context = course_activity, {}
    verb_id, verb_name = VERBS.get(record["source"], (f"{base}/xapi/verbs/corrected", "corrected"))
    seconds = record["seconds"]
    result = {"extensions": {f"{base}/xapi/extensions/seconds": seconds}}
    if seconds >= 0:  # an xAPI duration cannot be negative; a correction that removes time has only the extension
        result["duration"] = f"PT{seconds}S"
    ledger = {"seq": record["seq"], "source": record["source"], "hash": record["hash"],
              "recorded_by": record["recorded_by"], "reason": record["reason"]}
    context["extensions"] = {f"{base}/xapi/extensions/ledger": ledger}
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/ledger/{record['hash']}")),
        "actor": {"objectType": "Agent", "name": info.learner_name, "mbox": f"mailto:{info.learner_email}"},
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": target,
        "result": result,
        "context": context,
        "timestamp": _timestamp(record),
    }


def readme(info: PackInfo, records: list[dict]) -> str:
    total = sum(r["seconds"] for r in records)
    return f"""Audit pack for certificate {info.code}
==========================================

Learner:        {info.learner_name}
Course:         {info.course_title}
Contact hours:  {format_hours(info.contact_seconds)} ({info.contact_seconds} seconds)
Issued on:      {info.issued_on.isoformat()}
Verify at:      {info.public_url}/verify/{info.code}

Contents
--------
certificate-{info.code}.pdf
    The certificate. Its SHA-256 is
    {info.pdf_sha256}
    and the verification page shows the same value for the genuine file
    (check with: sha256sum certificate-{info.code}.pdf).

ledger.csv, ledger.json
    The {len(records)} rows of the learner's contact-hour ledger for this course recorded up to the
    certificate's issue, oldest first. They add up to {total} seconds, the hours on the certificate.
    "source" is engagement (time credited while a lesson page was open, in view and in use, capped
    at the lesson's rated duration), live (an instructor-led session recorded by an instructor, with
    a reason) or correction (a later adjustment by an administrator, with a reason, referring to
    the corrected row in "corrects"). Rows are never edited; each carries "hash", a keyed SHA-256
    chaining it to the learner's previous row, so an edited or removed row is detected.
    Times are UTC; "seconds" is the time credited.

xapi-statements.json
    The same rows as xAPI statements: verb "experienced" (a lesson) for lesson study, "attended"
    (the course) for live sessions, and "corrected" for corrections; result.duration is the time
    credited as ISO 8601 (PT...S) and the signed seconds are in result.extensions.

One contact hour is 60 minutes of instruction. This certificate is not issued or endorsed by PMI.
"""


def _member(name: str, issued_on: date) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(issued_on.year, issued_on.month, issued_on.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = FILE_MODE
    info.create_system = 3  # Unix, whatever the host
    return info


def build(info: PackInfo, pdf: bytes, records: list[dict]) -> bytes:
    """Return the ZIP's bytes: the same certificate and rows always give the same bytes."""
    ledger = {"certificate": info.code, "learner": info.learner_name, "email": info.learner_email,
              "course": info.course_slug, "entries": records}
    files = [
        ("README.txt", readme(info, records).encode()),
        (f"certificate-{info.code}.pdf", pdf),
        ("ledger.csv", _csv(records).encode()),
        ("ledger.json", json.dumps(ledger, indent=2, ensure_ascii=False).encode()),
        ("xapi-statements.json", json.dumps([statement(info, r) for r in records], indent=2,
                                            ensure_ascii=False).encode()),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(_member(name, info.issued_on), data)
    return buffer.getvalue()
