"""Parse a Markdown question bank (docs/authoring.md) into questions, reporting every problem by line."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import yaml

MAX_BYTES = 2 * 1024 * 1024
MAX_FRONT = 64 * 1024  # characters; front matter holds three short keys
TYPES = ("single", "multiple", "matching", "fill_in", "hotspot")
HEADER_KEYS = ("type", "domain", "task", "difficulty", "lesson", "check", "pool", "image", "set")
CASE_KEYS = ("title", "image", "alt")
SET_SIZES = (2, 4)  # a scenario set: one shared case followed by two to four questions on it
POOLS = ("exam", "final", "extra")  # exam: mocks and practice; final: the end-of-course assessment only;
# extra: practice outside the exam outline (knowledge checks and custom quizzes that ask for it)
REQUIRED_KEYS = ("type", "domain", "task", "difficulty", "lesson")
BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}
REGION_KEYS = ("x", "y", "w", "h")
TYPE_HINT = "use single, multiple, matching, fill_in or hotspot"
MATCH_HINT = "use '- LEFT => RIGHT', or '- => RIGHT' for a distractor"

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
HEADING_RE = re.compile(r"##(?:[ \t]+(.*))?")
CASE_RE = re.compile(r"case:[ \t]*(.*)")
KEY_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*))?")
BOX_RE = re.compile(r"\[(.?)\](.*)")


@dataclass
class Problem:
    path: str  # the file path as given
    line: int  # 1-based line in the file
    message: str  # quotes the offending value
    severity: str = "error"  # or "warning"


@dataclass
class Option:
    id: str  # "a", "b"... in source order; matching right-hand items are "r1".."rN"
    text: str  # Markdown source of the option (matching: the left text)
    correct: bool  # marked [x]; matching: True for pairs, False for a distractor
    rationale: str  # the indented lines joined with a space ("" if none)
    match: str | None = None  # matching left items: the id of the right-hand choice
    region: dict | None = None  # hotspot: {"x", "y", "w", "h"} in percent


@dataclass
class ParsedCase:
    """A scenario set's shared case: text (Markdown, tables allowed) and an optional picture."""

    id: str
    line: int  # line of the "## case: id" heading
    title: str = ""
    text: str = ""
    image: str | None = None
    alt: str | None = None
    fields: dict[str, int] = field(default_factory=dict)


@dataclass
class ParsedQuestion:
    id: str
    line: int  # line of the "## id" heading
    type: str  # as written; "" when missing
    domain: str | None
    task: str | None
    difficulty: str | None
    lesson: str | None  # "slug" or "course/slug"
    check: bool
    stem: str
    options: list[Option]  # single/multiple/hotspot options, or matching left items
    choices: list[Option]  # matching right-hand items, distractors included
    answers: list[str]  # fill_in accepted answers
    explanation: str
    image: str | None = None
    pool: str = "exam"
    fields: dict[str, int] = field(default_factory=dict)  # header key -> line
    set: str | None = None  # the id of the scenario set's case this question refers to
    case: ParsedCase | None = None  # resolved from `set`, with the question's place in the set
    set_index: int = 0  # 1-based
    set_size: int = 0
    category: str | None = None  # imported: the Moodle category path ("$course$/top/Planning")
    text_format: str = "markdown"  # imported: how its texts render: markdown, html (sanitized) or plain (escaped)
    title: str = ""  # imported: the GIFT ::title:: or Moodle XML name ("" when untitled)
    tags: list[str] = field(default_factory=list)  # imported: Moodle XML tags
    dropped: list[str] = field(default_factory=list)  # imported: partial-credit weights that were not kept


@dataclass
class ParsedBank:
    path: str
    title: str | None
    program: str | None
    course: str | None
    questions: list[ParsedQuestion]
    problems: list[Problem]


@dataclass
class _Report:
    path: str
    problems: list[Problem]

    def add(self, line: int, message: str, severity: str = "error") -> None:
        """Record a problem at a file line."""
        self.problems.append(Problem(self.path, line, message, severity))


@dataclass
class _Item:
    line: int
    text: str  # the list item without its leading "- "
    rationale: list[str] = field(default_factory=list)


@dataclass
class _Body:
    stem: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    answers: list[tuple[int, str]] = field(default_factory=list)
    explanation: list[str] | None = None
    explanation_line: int = 0
    in_stem: bool = True
    fenced: bool = False
    current: _Item | None = None


def _quote(value: object, limit: int = 60) -> str:
    """Quote a value for a message, shortened to `limit` characters."""
    text = str(value)
    return f"'{text if len(text) <= limit else text[:limit - 1] + '…'}'"


def _letter_id(index: int) -> str:
    """Return the option id for a 0-based position: a..z, aa, ab..."""
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(97 + rest) + name
    return name


def _is_fence(line: str) -> bool:
    """Tell whether a line opens or closes a fenced code block."""
    return line.lstrip().startswith(("```", "~~~"))


def parse_bank(text: str, path: str) -> ParsedBank:
    """Parse a bank's text, collecting every problem instead of raising."""
    bank = ParsedBank(path, None, None, None, [], [])
    report = _Report(path, bank.problems)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES or "\x00" in text:
        report.add(1, f"file is {size:,} bytes; the limit for a bank is {MAX_BYTES:,}" if size > MAX_BYTES
                   else "file contains NUL bytes: it is binary data, not a Markdown bank")
        return bank
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, front_read = _read_front(lines, bank, report)
    seen: dict[str, int] = {}
    cases: dict[str, ParsedCase] = {}
    order: list[ParsedCase | ParsedQuestion] = []
    for first, end in _question_spans(lines, start, report):
        heading = HEADING_RE.fullmatch(lines[first])
        if heading and (case_match := CASE_RE.fullmatch((heading.group(1) or "").strip())):
            case = _parse_case(lines, first, end, case_match.group(1).strip(), report)
            if case.id in cases or case.id in seen:
                report.add(case.line, f"duplicate id {_quote(case.id)} for a case")
            cases.setdefault(case.id, case)
            order.append(case)
            continue
        question = _parse_question(lines, first, end, report)
        order.append(question)
        qid, line = question.id, question.line
        if not ID_RE.fullmatch(qid):
            report.add(line, f"bad question id {_quote(qid)} (use letters, digits and '-')")
        elif qid in seen:
            report.add(line, f"duplicate question id {_quote(qid)} (first at line {seen[qid]})")
        seen.setdefault(qid, line)
        if front_read and question.lesson and "/" not in question.lesson and bank.course is None:
            report.add(question.fields["lesson"], f"lesson {_quote(question.lesson)} needs a course: add "
                       f"'course:' to the front matter or write 'COURSE/{question.lesson}'")
        bank.questions.append(question)
    _resolve_sets(order, cases, report)
    bank.problems.sort(key=lambda problem: problem.line)
    return bank


def _parse_case(lines: list[str], first: int, end: int, case_id: str, report: _Report) -> ParsedCase:
    """Read a case: `title:`, optional `image:` and `alt:` lines, then its text up to the next heading."""
    case = ParsedCase(case_id, first + 1)
    if not ID_RE.fullmatch(case_id):
        report.add(case.line, f"bad case id {_quote(case_id)} (use letters, digits and '-')")
    index = first + 1
    while index < end and not lines[index].strip():
        index += 1
    while index < end and (match := KEY_RE.fullmatch(lines[index].rstrip())):
        key, value = match.group(1), (match.group(2) or "").strip()
        if key not in CASE_KEYS:
            report.add(index + 1, f"unknown case field {_quote(key)} (use {', '.join(CASE_KEYS)})")
        elif key in case.fields:
            report.add(index + 1, f"duplicate case field {_quote(key)} (first at line {case.fields[key]})")
        elif not value:
            report.add(index + 1, f"case field '{key}' is empty")
        else:
            case.fields[key] = index + 1
            setattr(case, key, value)
        index += 1
    case.text = "\n".join(lines[index:end]).strip()
    if not case.title:
        report.add(case.line, f"case {_quote(case_id)} has no 'title:'")
    if not case.text:
        report.add(case.line, f"case {_quote(case_id)} has no text")
    if case.image and not case.alt:
        report.add(case.fields["image"], f"case {_quote(case_id)} has an image but no 'alt:' text describing it")
    return case


def _resolve_sets(order: list, cases: dict[str, ParsedCase], report: _Report) -> None:
    """Tie each `set:` question to its case: the set's questions follow their case directly, two to four of them."""
    members: dict[str, list[ParsedQuestion]] = {case_id: [] for case_id in cases}
    current: str | None = None  # the case whose questions may follow
    for entry in order:
        if isinstance(entry, ParsedCase):
            current = entry.id
            continue
        if entry.set is None:
            current = None
            continue
        line = entry.fields.get("set", entry.line)
        if entry.set not in cases:
            report.add(line, f"set {_quote(entry.set)} has no '## case: {entry.set}' in this bank")
        elif entry.set != current:
            report.add(line, f"question {_quote(entry.id)} of set {_quote(entry.set)} must directly follow its "
                       "case or another question of the set")
        else:
            members[entry.set].append(entry)
    for case_id, questions in members.items():
        case = cases[case_id]
        if not SET_SIZES[0] <= len(questions) <= SET_SIZES[1]:
            report.add(case.line, f"case {_quote(case_id)} has {len(questions)} question(s); a scenario set has "
                       f"{SET_SIZES[0]} to {SET_SIZES[1]}")
        domains = {q.domain for q in questions}
        if len(domains) > 1:
            report.add(case.line, f"the questions of case {_quote(case_id)} are in several domains "
                       f"({', '.join(sorted(str(d) for d in domains))}): a set is drawn as one, in one domain")
        for number, question in enumerate(questions, start=1):
            question.case, question.set_index, question.set_size = case, number, len(questions)


def _read_front(lines: list[str], bank: ParsedBank, report: _Report) -> tuple[int, bool]:
    """Read the front matter into `bank`; return the first body line's index and whether it was read."""
    if lines[0].rstrip() != "---":
        report.add(1, "missing front matter: the file must start with a '---' line")
        return 0, False
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        report.add(1, "front matter is not closed with a '---' line")
        return next((i for i in range(1, len(lines)) if HEADING_RE.fullmatch(lines[i])), len(lines)), False
    size = sum(len(line) + 1 for line in lines[1:end])
    if size > MAX_FRONT:
        report.add(1, f"front matter is {size:,} characters; the limit is {MAX_FRONT:,}")
        return end + 1, False
    meta = _load_yaml(lines[1:end], report)
    if meta is not None:
        _apply_front(meta, lines[1:end], bank, report)
    return end + 1, meta is not None


def _load_yaml(front: list[str], report: _Report) -> dict | None:
    """Load the front matter as a YAML mapping, reporting a syntax error at its file line."""
    try:
        meta = yaml.safe_load("\n".join(front)) if "".join(front).strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        index = min(mark.line, len(front) - 1) if mark else 0
        problem = getattr(exc, "problem", None) or "cannot be read"
        report.add(index + 2, f"invalid YAML in front matter: {problem} in {_quote(front[index].strip())}")
        return None
    except RecursionError:
        report.add(2, "invalid YAML in front matter: nested too deeply")
        return None
    if not isinstance(meta, dict):
        report.add(2, f"front matter must be 'key: value' lines, got {_quote(meta)}")
        return None
    return meta


def _apply_front(meta: dict, front: list[str], bank: ParsedBank, report: _Report) -> None:
    """Check the front matter keys and copy them onto the bank."""
    key_lines: dict[str, int] = {}
    for index, line in enumerate(front):
        if match := KEY_RE.match(line):
            key_lines.setdefault(match.group(1), index + 2)
    for key, value in meta.items():
        line = key_lines.get(str(key), 2)
        if key not in ("title", "program", "course"):
            report.add(line, f"unknown front matter key {_quote(key)} (use title, program or course)")
        elif not isinstance(value, str) or not value.strip():
            report.add(line, f"front matter '{key}' must be text, got {_quote(value)}")
        else:
            setattr(bank, key, value.strip())
    if "program" not in meta:
        report.add(1, "front matter has no 'program'")


def _question_spans(lines: list[str], start: int, report: _Report) -> list[tuple[int, int]]:
    """Return (heading index, end index) of each question; headings in fenced code do not count."""
    heads: list[int] = []
    fence: int | None = None
    for index in range(start, len(lines)):
        if _is_fence(lines[index]):
            fence = index if fence is None else None
        elif fence is None and HEADING_RE.fullmatch(lines[index]):
            heads.append(index)
    if fence is not None:
        report.add(fence + 1, f"code fence {_quote(lines[fence].strip())} is never closed")
    if not heads:
        report.add(1, "the bank has no questions (each starts with a '## id' heading)")
        return []
    stray = next((i for i in range(start, heads[0]) if lines[i].strip()), None)
    if stray is not None:
        report.add(stray + 1, f"text before the first question: {_quote(lines[stray].strip())}")
    return list(zip(heads, [*heads[1:], len(lines)], strict=True))


def _parse_question(lines: list[str], first: int, end: int, report: _Report) -> ParsedQuestion:
    """Parse and check the question whose heading is at index `first`."""
    heading = HEADING_RE.fullmatch(lines[first])
    qid = (heading.group(1) or "").strip() if heading else ""
    question = ParsedQuestion(qid, first + 1, "", None, None, None, None, False, "", [], [], [], "")
    body = _Body()
    for index in range(_read_header(lines, first + 1, end, question, report), end):
        _take_line(body, lines[index], index + 1, report)
    question.stem = "\n".join(body.stem).strip()
    question.explanation = "\n".join(body.explanation or []).strip()
    _build_options(question, body, report)
    _check_question(question, body, report)
    return question


def _read_header(lines: list[str], start: int, end: int, question: ParsedQuestion, report: _Report) -> int:
    """Read the `key: value` lines after the heading; return the index where the stem starts."""
    index = start
    while index < end and not lines[index].strip():
        index += 1
    while index < end and (match := KEY_RE.fullmatch(lines[index].rstrip())):
        if match.group(1) in ("answer", "Explanation"):
            break
        _set_field(question, match.group(1), (match.group(2) or "").strip(), index + 1, report)
        index += 1
    return index


def _set_field(question: ParsedQuestion, key: str, raw: str, line: int, report: _Report) -> None:
    """Check one header field and store it on the question."""
    if key not in HEADER_KEYS:
        report.add(line, f"unknown field {_quote(key)} (use {', '.join(HEADER_KEYS)})")
        return
    if key in question.fields:
        report.add(line, f"duplicate field {_quote(key)} (first at line {question.fields[key]})")
        return
    question.fields[key] = line
    value = raw[1:-1].strip() if len(raw) > 1 and raw[0] == raw[-1] and raw[0] in "\"'" else raw
    if not value:
        report.add(line, f"field '{key}' is empty")
    elif key == "check":
        question.check = BOOLEANS.get(value.lower(), False)
        if value.lower() not in BOOLEANS:
            report.add(line, f"check must be true or false (or yes/no), got {_quote(value)}")
    else:
        setattr(question, key, value)
        if key == "type" and value not in TYPES:
            report.add(line, f"unknown type {_quote(value)} ({TYPE_HINT})")
        elif key == "pool" and value not in POOLS:
            report.add(line, f"unknown pool {_quote(value)} (use exam, final or extra)")
        elif key == "difficulty" and value not in ("easy", "medium", "hard"):
            report.add(line, f"unknown difficulty {_quote(value)} (use easy, medium or hard)")
        elif key == "lesson" and (value.count("/") > 1 or "" in value.split("/")):
            report.add(line, f"lesson {_quote(value)} must be 'slug' or 'course/slug'")


def _is_item(line: str) -> bool:
    """Tell whether a line starts the options: `- [x] ...`, `- [ ] ...` or `- LEFT => RIGHT`."""
    rest = line[1:].lstrip(" \t")
    boxed = rest.startswith("[") and "]" in rest[1:3]
    return line.startswith(("- ", "-\t")) and (boxed or "=>" in rest)


def _take_line(body: _Body, line: str, number: int, report: _Report) -> None:
    """Feed one line of a question's body (after its header) to the reader."""
    starts_part = line.startswith(("Explanation:", "answer:")) or _is_item(line)
    if body.explanation is not None:
        body.explanation.append(line)
    elif body.fenced or (body.in_stem and not starts_part):
        body.fenced = body.fenced != _is_fence(line)
        body.stem.append(line)
    elif line.startswith("Explanation:"):
        body.explanation, body.explanation_line = [line.removeprefix("Explanation:")], number
    elif line.startswith("answer:"):
        body.answers.append((number, line.removeprefix("answer:")))
        body.in_stem, body.current = False, None
    elif starts_part or line.startswith(("- ", "-\t")):
        body.current = _Item(number, line[1:].strip())
        body.items.append(body.current)
        body.in_stem = False
    elif line.strip() and line.startswith(("  ", "\t")) and body.current:
        body.current.rationale.append(line.strip())
    elif line.strip():
        report.add(number, f"unexpected text after the options: {_quote(line.strip())} "
                           "(indent a rationale by two spaces under its option)")


def _build_options(question: ParsedQuestion, body: _Body, report: _Report) -> None:
    """Turn the body's list items and answer lines into options, choices and answers."""
    if question.type in ("single", "multiple", "hotspot"):
        _build_boxes(question, body.items, report)
    elif question.type == "matching":
        _build_matching(question, body.items, report)
    elif question.type == "fill_in" and body.items:
        first = body.items[0]
        report.add(first.line, f"a fill_in question has no options, found {_quote('- ' + first.text)}")
    for line, raw in body.answers:
        if question.type != "fill_in":
            report.add(line, f"'answer:' lines are only for fill_in questions, found {_quote(raw.strip())}")
            continue
        alternatives = [part.strip() for part in raw.split("|")]
        if "" in alternatives:
            report.add(line, f"empty alternative in answer {_quote(raw.strip())}")
        question.answers.extend(part for part in alternatives if part)
    if question.type in TYPES and question.type != "fill_in":
        for item in body.items:
            if not item.rationale:
                report.add(item.line, f"option {_quote('- ' + item.text)} has no rationale", "warning")


def _build_boxes(question: ParsedQuestion, items: list[_Item], report: _Report) -> None:
    """Build `- [x] text` options, with a region for hotspots."""
    seen: dict[str, int] = {}
    for item in items:
        match, shown = BOX_RE.fullmatch(item.text), _quote("- " + item.text)
        if not match or match.group(1) not in (" ", "x", "X"):
            report.add(item.line, f"malformed option {shown} (use '- [x] text' or '- [ ] text')")
            continue
        text, region = match.group(2).strip(), None
        if question.type == "hotspot":
            text, region = _split_region(text, item.line, report)
        if not text:
            report.add(item.line, f"option {shown} has no text")
        elif text in seen:
            report.add(item.line, f"duplicate option {_quote(text)} (first at line {seen[text]})")
        seen.setdefault(text, item.line)
        question.options.append(Option(_letter_id(len(question.options)), text, match.group(1) != " ",
                                       " ".join(item.rationale), region=region))


def _split_region(text: str, line: int, report: _Report) -> tuple[str, dict | None]:
    """Split a hotspot option into its label and its `{x=.. y=.. w=.. h=..}` region."""
    label, brace, spec = text.rpartition("{")
    if not brace or not spec.rstrip().endswith("}"):
        report.add(line, f"hotspot option {_quote(text)} has no region {{x=.. y=.. w=.. h=..}}")
        return text, None
    spec = spec.rstrip()[:-1]
    problem, region = _region(spec)
    if problem:
        report.add(line, f"region {_quote('{' + spec + '}')}: {problem}")
    return label.strip(), region


def _region(spec: str) -> tuple[str | None, dict | None]:
    """Parse `x=.. y=.. w=.. h=..` into percentages; return (problem, region)."""
    values: dict[str, float] = {}
    for token in spec.replace(",", " ").split():
        key, equals, raw = token.partition("=")
        if not equals or key not in REGION_KEYS or key in values:
            return f"bad part {_quote(token)} (use x=.. y=.. w=.. h=.. once each)", None
        try:
            values[key] = float(raw)
        except ValueError:
            return f"{_quote(raw)} is not a number", None
        if not math.isfinite(values[key]) or not 0 <= values[key] <= 100:
            return f"{_quote(token)} is outside 0..100", None
    if missing := [key for key in REGION_KEYS if key not in values]:
        return f"missing {', '.join(missing)}", None
    if values["w"] <= 0 or values["h"] <= 0:
        return "width and height must be above 0", None
    if values["x"] + values["w"] > 100 or values["y"] + values["h"] > 100:
        return "the region runs past the edge of the image", None
    return None, {key: values[key] for key in REGION_KEYS}


def _build_matching(question: ParsedQuestion, items: list[_Item], report: _Report) -> None:
    """Build `- LEFT => RIGHT` pairs and `- => RIGHT` distractors."""
    lefts: dict[str, int] = {}
    rights: dict[str, int] = {}
    for item in items:
        left, arrow, right = (part.strip() for part in item.text.partition("=>"))
        if not arrow or not right or "=>" in right:
            report.add(item.line, f"malformed matching item {_quote('- ' + item.text)} ({MATCH_HINT})")
            continue
        first = lefts.get(left) or rights.get(right)
        if first:
            shown = _quote(left if left in lefts else right)
            report.add(item.line, f"duplicate matching item {shown} (first at line {first})")
            continue
        if left:
            lefts[left] = item.line
        rights[right] = item.line
        rationale = " ".join(item.rationale)
        choice = Option(f"r{len(question.choices) + 1}", right, bool(left), rationale)
        question.choices.append(choice)
        if left:
            question.options.append(Option(
                _letter_id(len(question.options)), left, True, rationale, choice.id))


def _check_question(question: ParsedQuestion, body: _Body, report: _Report) -> None:
    """Check the rules on fields, stem, option counts and explanation."""
    line, qid = question.line, _quote(question.id)
    for key in REQUIRED_KEYS:
        if key not in question.fields:
            report.add(line, f"question {qid} has no '{key}' field")
    if not question.stem:
        report.add(line, f"question {qid} has no stem")
    if body.explanation is None:
        report.add(line, f"question {qid} has no explanation (a paragraph starting 'Explanation:')")
    elif not question.explanation:
        report.add(body.explanation_line, f"question {qid} has an empty explanation")
    if "image" in question.fields and question.type != "hotspot":
        report.add(question.fields["image"], "'image' is only for hotspot questions")
    total, right = len(question.options), sum(option.correct for option in question.options)
    needs = {
        "single": [(total < 2, f"at least two options, found {total}"),
                   (right != 1, f"exactly one right option, found {right}")],
        "multiple": [(right < 2, f"at least two right options, found {right}"),
                     (total == right, "at least one wrong option, found 0")],
        "matching": [(total < 2, f"at least two pairs, found {total}")],
        "fill_in": [(not question.answers, "at least one 'answer:' line, found none")],
        "hotspot": [("image" not in question.fields, "an 'image:' field"),
                    (right < 1, "at least one right region, found 0")],
    }
    for failed, need in needs.get(question.type, []):
        if failed:
            report.add(line, f"{question.type} question {qid} needs {need}")
