"""The keyed hash chain of the ledger (pure): how a row's hash is made and how a chain is checked."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64
CHAINED_FIELDS = ("user_id", "seq", "course_id", "lesson_id", "seconds", "source", "reason", "recorded_by_id",
                  "recorded_by", "occurred_on", "started_at", "ended_at", "corrects_id", "created_at")


def ledger_key(secret_key: str) -> bytes:
    """Derive the ledger's HMAC key from the app's secret key."""
    return hmac.new(secret_key.encode(), b"learnpm hours ledger v1", hashlib.sha256).digest()


def _canonical(row: dict) -> bytes:
    values = {name: row[name] for name in CHAINED_FIELDS}
    return json.dumps(values, sort_keys=True, default=str, separators=(",", ":")).encode()


def row_hash(key: bytes, prev_hash: str, row: dict) -> str:
    """Return HMAC-SHA256 over the previous hash and the row's chained fields."""
    return hmac.new(key, prev_hash.encode() + b"|" + _canonical(row), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    user_id: int
    seq: int
    entry_id: int | None
    reason: str


def verify_chain(key: bytes, rows: Iterable[dict]) -> BrokenLink | None:
    """Check one learner's rows (in seq order); return the first broken link, or None."""
    prev_hash, expected_seq = GENESIS, 1
    for row in rows:
        if row["seq"] != expected_seq:
            return BrokenLink(row["user_id"], expected_seq, row.get("id"),
                              f"row {expected_seq} is missing (found {row['seq']} next)")
        if row["prev_hash"] != prev_hash:
            return BrokenLink(row["user_id"], row["seq"], row.get("id"), "does not point at the previous row")
        if not hmac.compare_digest(row["hash"], row_hash(key, prev_hash, row)):
            return BrokenLink(row["user_id"], row["seq"], row.get("id"), "was edited after it was written")
        prev_hash, expected_seq = row["hash"], expected_seq + 1
    return None


@dataclass(frozen=True)
class RuleLimits:
    heartbeat_seconds: int               # rows sealed before the span began at the first credited pair's start
    daily_ceiling_seconds: int
    lesson_cap_seconds: dict[int, int]   # rated duration per lesson id
    live_seconds: tuple[int, int]        # smallest and largest live entry


def check_rules(rows: list[dict], limits: RuleLimits) -> BrokenLink | None:
    """Recompute one learner's totals and caps from the chain; return the first row that breaks a rule."""
    per_lesson: dict[int, int] = {}
    per_day: dict[object, int] = {}
    per_course: dict[int, int] = {}
    for row in rows:
        def broken(reason: str, row=row) -> BrokenLink:
            return BrokenLink(row["user_id"], row["seq"], row.get("id"), reason)

        seconds, source = row["seconds"], row["source"]
        if source == "engagement":
            started, ended = row["started_at"], row["ended_at"]
            span = (ended - started).total_seconds() if started and ended else 0
            if seconds <= 0 or seconds > span + 2 * limits.heartbeat_seconds:
                return broken(f"credits {seconds} s of engagement over a span of {int(span)} s")
            if row["lesson_id"] is None:
                return broken("credits engagement to no lesson")
            per_lesson[row["lesson_id"]] = per_lesson.get(row["lesson_id"], 0) + seconds
            cap = limits.lesson_cap_seconds.get(row["lesson_id"], 0)
            if per_lesson[row["lesson_id"]] > cap:
                return broken(f"brings lesson {row['lesson_id']} to {per_lesson[row['lesson_id']]} s of engagement, "
                              f"over its rated {cap} s")
            per_day[row["occurred_on"]] = per_day.get(row["occurred_on"], 0) + seconds
            if per_day[row["occurred_on"]] > limits.daily_ceiling_seconds:
                return broken(f"brings {row['occurred_on']} to {per_day[row['occurred_on']]} s of engagement, "
                              f"over the daily ceiling of {limits.daily_ceiling_seconds} s")
        elif source == "live":
            low, high = limits.live_seconds
            if not low <= seconds <= high:
                return broken(f"records {seconds} s of live session, outside {low} to {high} s")
            created = row["created_at"].date() if row.get("created_at") else None
            if created is not None and row["occurred_on"] > created:
                return broken(f"records a live session on {row['occurred_on']}, after it was recorded")
        elif source != "correction":
            return broken(f"has an unknown source {source!r}")
        per_course[row["course_id"]] = per_course.get(row["course_id"], 0) + seconds
        if per_course[row["course_id"]] < 0:
            return broken(f"takes course {row['course_id']} below zero ({per_course[row['course_id']]} s)")
    return None
