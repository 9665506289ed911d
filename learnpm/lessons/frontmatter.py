"""Split a Markdown file into YAML front matter and body, keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

MAX_BYTES = 1024 * 1024  # a lesson larger than 1 MB is a mistake, not a lesson


@dataclass
class Document:
    meta: dict
    body: str
    body_line: int  # file line where the body starts
    key_lines: dict[str, int] = field(default_factory=dict)
    error: tuple[int, str] | None = None  # (line, message) when the file cannot be read


def _key_lines(front: str) -> dict[str, int]:
    lines = {}
    for number, line in enumerate(front.splitlines(), start=2):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def parse_document(raw: bytes) -> Document:
    """Parse front matter and body; a problem is reported in `error`, never raised."""
    if len(raw) > MAX_BYTES:
        return Document({}, "", 1, error=(1, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}"))
    if b"\x00" in raw:
        return Document({}, "", 1, error=(1, "file is binary, not Markdown text"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Document({}, "", 1, error=(1, f"file is not UTF-8 text ({exc.reason} at byte {exc.start})"))
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return Document({}, text, 1, error=(1, "missing front matter: the file must start with '---'"))
    end = text.find("\n---", 3)
    while end != -1 and text[end + 4:end + 5] not in ("\n", ""):
        end = text.find("\n---", end + 4)
    if end == -1:
        return Document({}, "", 1, error=(1, "front matter is not closed with a '---' line"))
    front = text[4:end + 1]
    body = text[end + 5:]
    body_line = front.count("\n") + 3
    try:
        meta = yaml.safe_load(front) if front.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return Document({}, body, body_line, error=(line, f"invalid YAML in front matter: {problem}"))
    if not isinstance(meta, dict):
        return Document({}, body, body_line, error=(2, f"front matter must be key: value pairs, got {meta!r:.60}"))
    return Document(meta, body, body_line, _key_lines(front))
