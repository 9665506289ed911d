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
