"""Reading a class roster CSV (`name,email` with a header): pure, line-numbered, all problems at once.

Accepted: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), commas or semicolons (Excel in
many European locales), CRLF or LF, blank lines, quoted fields, extra columns (ignored), the two
columns in either order. Refused with the line number: a missing header, a malformed or duplicate
email, a name that is empty, too long, holds control or bidirectional-override characters, or starts
like a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from learnpm.auth.names import clean_name, name_problem

MAX_ROWS = 10_000
MAX_BYTES = 2 * 1024 * 1024
EMAIL_MAX = 254


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    email: str

    @property
    def key(self) -> str:
        return self.email.lower()


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message); line 0: the whole file

    def error_lines(self) -> list[str]:
        return [f"line {line}: {message}" if line else message for line, message in self.errors]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ValueError(f"line {line}: the file is not UTF-8 text; save it as \u201cCSV UTF-8\u201d") from exc
    return text


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _check_email(raw: str) -> tuple[str | None, str | None]:
    email = raw.strip()
    if not email:
        return None, "the email is empty"
    if len(email) > EMAIL_MAX or not email.isprintable():
        return None, f"{email[:60]!r} is not a valid email address"
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, f"{email!r} is not a valid email address ({exc})"
    return result.normalized, None


def parse_roster(data: bytes) -> Roster:
    """Read the roster; every bad line is reported, and rows are kept only for lines without problems."""
    roster = Roster()
    if len(data) > MAX_BYTES:
        roster.errors.append((0, f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."))
        return roster
    if b"\x00" in data:
        roster.errors.append((data[:data.index(b"\x00")].count(b"\n") + 1, "the file holds a NUL byte (not a CSV)"))
        return roster
    try:
        text = _decode(data)
    except ValueError as exc:
        roster.errors.append((0, str(exc)))
        return roster
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        roster.errors.append((0, "The file is empty: it needs a header line `name,email` and one line per learner."))
        return roster
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[first]))
    header: list[str] | None = None
    seen: dict[str, int] = {}
    count = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if header is None:
                header = [c.strip().lower().lstrip("\ufeff") for c in cells]
                if "name" not in header or "email" not in header:
                    roster.errors.append((line, f"the header must name the columns `name` and `email`, "
                                                f"got {','.join(cells)[:80]!r}"))
                    return roster
                continue
            count += 1
            if count > MAX_ROWS:
                roster.errors.append((line, f"more than {MAX_ROWS:,} learners: split the file"))
                return roster
            values = dict(zip(header, cells, strict=False))
            if len(cells) < len(header):
                roster.errors.append((line, f"{len(cells)} column(s) where the header has {len(header)}"))
                continue
            name = clean_name(values.get("name", ""))
            problems = []
            problem = name_problem(name)
            if problem:
                problems.append(problem[0].lower() + problem[1:].rstrip("."))
            email, email_error = _check_email(values.get("email", ""))
            if email_error:
                problems.append(email_error)
            elif email.lower() in seen:
                problems.append(f"{email} is also on line {seen[email.lower()]}")
            else:
                seen[email.lower()] = line
            if problems:
                roster.errors.extend((line, p) for p in problems)
                continue
            roster.rows.append(RosterRow(line, name, email))
    except csv.Error as exc:
        roster.errors.append((reader.line_num, f"the CSV cannot be read: {exc}"))
        return roster
    if header is None or (not roster.rows and not roster.errors):
        roster.errors.append((0, "The file has a header but no learners."))
    return roster
