"""Read a course's glossary file (`## TERM`, a `lesson:` line, an optional `also:` line, a definition), pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^##[ \t]+(.+?)\s*$")
FIELD = re.compile(r"^(lesson|also):[ \t]*(.*)$")
MAX_TERM = 120
MAX_DEFINITION = 2000


@dataclass
class ParsedTerm:
    term: str
    line: int
    lesson: str | None = None
    also: list[str] = field(default_factory=list)
    definition: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.term)


@dataclass
class ParsedGlossary:
    terms: list[ParsedTerm]
    problems: list[tuple[int, str]]  # (line, message)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "term"


def parse_glossary(body: str, first_line: int = 1) -> ParsedGlossary:
    """Parse a glossary body (after its front matter); `first_line` is the body's line in the file."""
    terms: list[ParsedTerm] = []
    problems: list[tuple[int, str]] = []
    current: ParsedTerm | None = None
    text: list[str] = []

    def finish() -> None:
        if current is not None:
            current.definition = "\n".join(text).strip()

    for offset, line in enumerate(body.splitlines()):
        number = first_line + offset
        if heading := HEADING.match(line):
            finish()
            current, text = ParsedTerm(heading.group(1), number), []
            terms.append(current)
        elif current is None:
            if line.strip():
                problems.append((number, f"text before the first '## TERM' heading: {line.strip()[:60]!r}"))
        elif not text and (match := FIELD.match(line)):
            if match.group(1) == "lesson":
                current.lesson = match.group(2).strip() or None
            else:
                current.also = [part.strip() for part in match.group(2).split(",") if part.strip()]
        elif line.startswith("#"):
            problems.append((number, f"a definition may not hold a heading: {line.strip()[:60]!r}"))
        elif line.strip() or text:
            text.append(line)
    finish()
    seen: dict[str, int] = {}
    for term in terms:
        if len(term.term) > MAX_TERM:
            problems.append((term.line, f"term {term.term[:40]!r}... is longer than {MAX_TERM} characters"))
        if not term.definition:
            problems.append((term.line, f"term {term.term!r} has no definition"))
        elif len(term.definition) > MAX_DEFINITION:
            problems.append((term.line, f"the definition of {term.term!r} is longer than {MAX_DEFINITION} characters"))
        if term.lesson is None:
            problems.append((term.line, f"term {term.term!r} has no 'lesson:' line (the lesson that teaches it)"))
        if term.slug in seen:
            problems.append((term.line, f"term {term.term!r} is also defined at line {seen[term.slug]}"))
        seen.setdefault(term.slug, term.line)
    return ParsedGlossary(terms, problems)
