"""Read Moodle GIFT and Aiken files into bank questions and write bank questions back as GIFT.

Items that cannot be imported are reported as errors at the line where they start and left out; a question
kept with a loss (partial credit, feedback the bank cannot hold) gets a warning.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator

from learnpm.quizzes.bankfile import Option, ParsedQuestion, Problem, _letter_id, _quote, _Report
from learnpm.quizzes.textformat import HTML, MARKDOWN, PLAIN

MAX_BYTES = 5 * 1024 * 1024
FORMATS = ("[markdown]", "[html]", "[plain]", "[moodle]")
# Moodle's default for GIFT is [moodle], its plain-text "auto-format": text, not Markdown.
TEXT_FORMATS = {"[markdown]": MARKDOWN, "[html]": HTML, "[plain]": PLAIN, "[moodle]": PLAIN}
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Escaped characters are hidden behind private-use characters while the structure is read.
HIDE = {"~": "\ue000", "=": "\ue001", "#": "\ue002", "{": "\ue003", "}": "\ue004", ":": "\ue005",
        "\\": "\ue006", "n": "\ue007"}
SHOW = str.maketrans({hidden: "\n" if char == "n" else char for char, hidden in HIDE.items()})
SCRUB = str.maketrans({hidden: "\ufffd" for hidden in HIDE.values()})
GIFT_SPECIAL = "~=#{}:"
ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
MARKER_RE = re.compile(r"([=~])")
WEIGHT_RE = re.compile(r"-?\d{1,3}(?:\.\d{1,10})?")
SLUG_RE = re.compile(r"[^a-z0-9]+")
AIKEN_OPTION_RE = re.compile(r"([A-Z])[.)][ \t]*(\S.*)")  # Moodle accepts `A)Text` as well as `A) Text`
MAX_ID_BASE = 56  # leaves room for a "-N" suffix within the 64 characters of a question id


def _read_lines(text: str, report: _Report) -> list[str] | None:
    """Split a file into lines, or report why it is refused and return None."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        report.add(1, f"file is {size:,} bytes; the limit for an import is {MAX_BYTES:,}")
        return None
    if "\x00" in text:
        report.add(1, "file contains NUL bytes: it is binary data, not a question file")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _source(raw: str) -> str:
    """Quote the start of an item for a message."""
    return _quote(" ".join(raw.split()))


def _show(text: str) -> str:
    """Turn hidden escaped characters back into the characters they stand for."""
    return text.translate(SHOW)


def _clean(text: str) -> str:
    """Strip a text's spaces and format prefix, and restore its escaped characters."""
    text = text.strip()
    prefix = next((name for name in FORMATS if text.startswith(name)), "")
    return _show(text[len(prefix):]).strip()


def _slug(title: str) -> str:
    """Return a title as lowercase ASCII letters, digits and '-'."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return SLUG_RE.sub("-", plain.lower()).strip("-")


def _unique(base: str, seen: set[str], counters: dict[str, int]) -> str:
    """Return `base`, or `base-2`, `base-3`... whichever is not yet taken, and take it."""
    number = counters.get(base, 1)
    qid = base if number == 1 else f"{base}-{number}"
    while qid in seen:
        number += 1
        qid = f"{base}-{number}"
    counters[base] = number + 1
    seen.add(qid)
    return qid


def _new_question(qid: str, line: int, stem: str, explanation: str = "") -> ParsedQuestion:
    """Return an empty imported question: medium difficulty, no task, lesson or knowledge check."""
    return ParsedQuestion(qid, line, "", None, None, "medium", None, False, stem, [], [], [], explanation)


def parse_gift(text: str, path: str, *, default_domain: str | None = None,
               domain_keys: set[str] | frozenset[str] = frozenset()) -> tuple[list[ParsedQuestion], list[Problem]]:
    """Parse a GIFT file into bank questions, each domain from its `$CATEGORY` or `default_domain`."""
    questions, problems = read_gift(text, path)
    report = _Report(path, problems)
    keys = {str(key).lower(): str(key) for key in domain_keys}
    for question in questions:
        parts = category_parts(question.category)
        question.domain = (keys.get(parts[-1].lower()) if parts else None) or default_domain
        if question.domain is None:
            category = question.category
            why = f"category {_quote(category)} does not end in a domain key" if category else "no $CATEGORY"
            report.add(question.line, f"question {_quote(question.id)} has no domain: {why} and no default domain "
                       "is set")
    report.problems.sort(key=lambda problem: problem.line)
    return questions, report.problems


def read_gift(text: str, path: str) -> tuple[list[ParsedQuestion], list[Problem]]:
    """Parse a GIFT file into questions with their title, category path, text format and identity (no domain)."""
    report = _Report(path, [])
    lines = _read_lines(text, report)
    if lines is None:
        return [], report.problems
    questions: list[ParsedQuestion] = []
    category: str | None = None
    for line, chunk, is_category in _gift_chunks(lines):
        if is_category:
            category = "/".join(category_parts(chunk)) or None
            continue
        parsed = _gift_question(chunk, line, report)
        if parsed is None:
            continue
        title, question = parsed
        question.title, question.category = title.strip(), category
        questions.append(question)
    assign_ids(questions)
    report.problems.sort(key=lambda problem: problem.line)
    return questions, report.problems


def category_parts(category: str | None) -> list[str]:
    """Split a Moodle category path into its non-empty parts."""
    return [part.strip() for part in (category or "").split("/") if part.strip()]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def fingerprint(question: ParsedQuestion) -> str:
    """Return a short hash of what a question asks: its type, stem and option texts, in any order.

    Feedback, explanations and which option is right are left out, so editing them makes a new version of the
    same question; rewording the stem or an option makes it another question.
    """
    parts = [question.type, _norm(question.stem), *sorted(_norm(o.text) for o in question.options),
             "|", *sorted(_norm(c.text) for c in question.choices)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def assign_ids(questions: list[ParsedQuestion]) -> None:
    """Give each question its identity: the slug of its title, else `q-` and its content fingerprint.

    Never a line number: adding, removing or moving other items keeps every id. Questions sharing a title or a
    fingerprint are told apart by `-2`, `-3`... in file order.
    """
    seen: set[str] = set()
    counters: dict[str, int] = {}
    for question in questions:
        question.id = _unique(identity_base(question), seen, counters)


def identity_base(question: ParsedQuestion) -> str:
    """Return the id a question has before any `-2` suffix: its title's slug, or `q-` and its fingerprint."""
    return _slug(question.title)[:MAX_ID_BASE].rstrip("-") or f"q-{fingerprint(question)}"


def _gift_chunks(lines: list[str]) -> Iterator[tuple[int, str, bool]]:
    """Yield (first line, text, is_category) for each question and each `$CATEGORY:` line."""
    start, chunk = 0, []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("//"):
            continue
        if line and not line.startswith("$CATEGORY:"):
            start = start if chunk else number
            chunk.append(line)
            continue
        if chunk:
            yield start, "\n".join(chunk), False
            chunk = []
        if line:
            yield number, line.removeprefix("$CATEGORY:").strip(), True
    if chunk:
        yield start, "\n".join(chunk), False


def _gift_question(raw: str, line: int, report: _Report) -> tuple[str, ParsedQuestion] | None:
    """Parse one GIFT question into (title, question); report and return None when it cannot be imported."""
    source = _source(raw)
    body = ESCAPE_RE.sub(lambda match: HIDE.get(match.group(1), match.group(0)), raw.translate(SCRUB))
    title = ""
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            report.add(line, f"the title of {source} is not closed with '::'; not imported")
            return None
        title, body = _show(body[2:end]), body[end + 2:]
    opens, closes = body.count("{"), body.count("}")
    start, end = body.find("{"), body.find("}")
    if not opens and not closes:
        report.add(line, f"description item {source} has no answer block {{...}}; not imported")
        return None
    if opens != 1 or closes != 1 or end < start:
        problem = (f"{opens} answer blocks; GIFT allows one" if opens == closes and opens > 1
                   else f"unbalanced braces ({opens} '{{' and {closes} '}}')")
        report.add(line, f"{source} has {problem} (write a literal brace as \\{{); not imported")
        return None
    before, block, after = body[:start].lstrip(), body[start + 1:end], body[end + 1:]
    prefix = next((name for name in FORMATS if before.startswith(name)), "")
    before = before[len(prefix):]
    stem = _show(f"{before}_____{after}" if after.strip() else before).strip()
    content, _, general = block.partition("####")
    content = content.strip()
    question = _new_question("", line, stem, _clean(general))
    question.text_format = TEXT_FORMATS.get(prefix, PLAIN)
    if not content:
        report.add(line, f"essay question {source} (an empty answer block) is not supported; not imported")
        return None
    if content.startswith("#"):
        shown = " ".join(("{" + _show(block) + "}").split())
        report.add(line, f"numerical question {source} ({_quote(shown, 30)}) is not supported; not imported")
        return None
    if not _fill(question, content, source, report):
        return None
    if not stem:
        report.add(line, f"question {source} has no question text")
    return title, question


def _fill(question: ParsedQuestion, content: str, source: str, report: _Report) -> bool:
    """Set the question's type and options from its answer block; report and return False when it cannot."""
    head, _, feedback = content.partition("#")
    if head.strip().upper() in TRUE_FALSE:
        truth = TRUE_FALSE[head.strip().upper()]
        wrong, _, right = (_clean(part) for part in feedback.partition("#"))
        question.type = "single"
        question.options = [Option("a", "True", truth, right if truth else wrong),
                            Option("b", "False", not truth, wrong if truth else right)]
        return True
    if content[0] not in "=~":
        content = "=" + content  # Moodle reads `{One}` as a short answer whose one right answer is "One"
    parts = MARKER_RE.split(content)[1:]
    answers = list(zip(parts[0::2], parts[1::2], strict=True))
    if all(marker == "=" for marker, _ in answers) and any("->" in text.partition("#")[0] for _, text in answers):
        return _matching(question, answers, source, report)
    weighted = []
    for marker, text in answers:
        weight, text, feedback = _weighted(text)
        shown = _quote(marker + _show(text).strip(), 40)
        if weight == "bad" or not text:
            report.add(question.line, f"{'bad weight in' if text else 'empty'} answer {shown} of {source}; "
                       "not imported")
            return False
        weighted.append((marker, weight, text, feedback))
    if any(marker == "~" for marker, *_ in weighted):
        return _choice(question, weighted, source, report)
    question.type = "fill_in"
    for _, weight, text, feedback in weighted:
        if feedback:
            report.add(question.line, f"feedback {_quote(feedback, 30)} on short answer {_quote(text, 30)} of "
                       f"{source} is not kept (fill_in answers have none)", "warning")
        if isinstance(weight, float) and weight < 99.5:
            report.add(question.line, f"partial-credit answer {_quote(text, 30)} ({weight:g}%) of {source} is not "
                       "kept (fill_in answers are right or wrong)", "warning")
            if weight > 0:
                question.dropped.append(f"{weight:g}% on {_quote(text, 30)}")
        else:
            question.answers.append(text)
    if not question.answers:
        report.add(question.line, f"short answer {source} has no answer worth 100%; not imported")
    return bool(question.answers)


def _weighted(raw: str) -> tuple[float | str | None, str, str]:
    """Split `%weight%text#feedback` into its parts; the weight is None when absent and "bad" when malformed."""
    raw = raw.strip()
    weight: float | str | None = None
    if raw.startswith("%"):
        end = raw.find("%", 1)
        number = raw[1:end] if end > 0 else ""
        if not WEIGHT_RE.fullmatch(number) or abs(float(number)) > 100:
            return "bad", raw, ""
        weight, raw = float(number), raw[end + 1:]
    text, _, feedback = raw.partition("#")
    return weight, _clean(text), _clean(feedback)


def _choice(question: ParsedQuestion, answers: list[tuple[str, float | str | None, str, str]], source: str,
            report: _Report) -> bool:
    """Build a single (marked with '=') or multiple (weighted '~') choice question."""
    single = any(marker == "=" for marker, *_ in answers)
    weights = [float(weight) if weight is not None else 100.0 if marker == "=" else 0.0
               for marker, weight, *_ in answers]
    right = [weight >= 99.5 if single else weight > 0 for weight in weights]
    if not any(right):
        report.add(question.line, f"multiple choice {source} has no right answer (mark one with '=' or give "
                   "positive weights); not imported")
        return False
    if single and sum(right) > 1:
        report.add(question.line, f"multiple choice {source} has {sum(right)} right answers marked '='; use weights "
                   "such as ~%50% for several right answers; not imported")
        return False
    total = sum(weight for weight in weights if weight > 0)
    if not single and abs(total - 100) > 1:
        report.add(question.line, f"the positive weights of {source} add up to {total:g}%, not 100%")
    if not single and sum(right) == 1 and max(weights) >= 99.5:
        single = True  # one answer worth 100%: a single-answer question written with weights
    question.type = "single" if single else "multiple"
    for index, ((_, _, text, feedback), weight) in enumerate(zip(answers, weights, strict=True)):
        if single and 0 < weight < 99.5:
            report.add(question.line, f"partial credit {weight:g}% for {_quote(text, 30)} of {source} is not "
                       "kept: it is imported as a wrong option", "warning")
        # learnpm grades all or nothing, as the CAPM does: every partial weight is dropped, and named
        if (single and (0 < weight < 99.5 or weight < 0)) or (not single and weight != 0):
            question.dropped.append(f"{weight:g}% on {_quote(text, 30)}")
        question.options.append(Option(_letter_id(index), text, right[index], feedback))
    return True


def _matching(question: ParsedQuestion, answers: list[tuple[str, str]], source: str, report: _Report) -> bool:
    """Build a matching question from `=left -> right` pairs and `= -> right` distractors."""
    choices: dict[str, Option] = {}
    for marker, raw in answers:
        pair, _, feedback = raw.partition("#")
        left, arrow, right = pair.partition("->")
        left, right, feedback = _clean(left), _clean(right), _clean(feedback)
        if not arrow or not right:
            report.add(question.line, f"matching answer {_quote(marker + _show(raw).strip(), 40)} of {source} "
                       "needs 'left -> right'; not imported")
            return False
        choice = choices.get(right)
        if choice is None:
            choice = choices[right] = Option(f"r{len(choices) + 1}", right, False, feedback)
            question.choices.append(choice)
        if left:
            choice.correct = True
            question.options.append(Option(_letter_id(len(question.options)), left, True, feedback, choice.id))
    question.type = "matching"
    return True


def parse_aiken(text: str, path: str, *,
                default_domain: str | None = None) -> tuple[list[ParsedQuestion], list[Problem]]:
    """Parse an Aiken file (question, `A. option` lines, `ANSWER: X`) into single-choice questions."""
    report = _Report(path, [])
    lines = _read_lines(text, report)
    if lines is None:
        return [], report.problems
    questions: list[ParsedQuestion] = []
    stem: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        option = AIKEN_OPTION_RE.fullmatch(line) if stem else None
        if not line:
            continue
        if line[:7].upper() == "ANSWER:":
            if stem:
                question = _aiken_question(start, stem, options, line[7:].strip(), report)
                questions.extend([question] if question else [])
            else:
                report.add(number, f"{_source(line)} has no question before it; ignored")
            stem, options = [], []
        elif option:
            options.append((option.group(1), option.group(2).strip()))
        else:
            if options:
                report.add(start, f"question {_source(stem[0])} has no 'ANSWER:' line; not imported")
                stem, options = [], []
            start = start if stem else number
            stem.append(line)
    if stem:
        report.add(start, f"question {_source(stem[0])} has no 'ANSWER:' line; not imported")
    assign_ids(questions)
    for question in questions:
        question.domain = default_domain
        if default_domain is None:
            report.add(question.line, f"question {_quote(question.id)} has no domain: no default domain is set")
    report.problems.sort(key=lambda problem: problem.line)
    return questions, report.problems


def _aiken_question(start: int, stem: list[str], options: list[tuple[str, str]], answer: str,
                    report: _Report) -> ParsedQuestion | None:
    """Build one Aiken question; report and return None when it is malformed."""
    source, letters = _source(stem[0]), [letter for letter, _ in options]
    duplicate = next((letter for index, letter in enumerate(letters) if letter in letters[:index]), None)
    if len(options) < 2 or duplicate:
        problem = f"option {duplicate} appears twice" if duplicate else f"it has {len(options)} options, not 2 or more"
        report.add(start, f"question {source}: {problem}; not imported")
        return None
    if answer.upper() not in letters:
        report.add(start, f"question {source}: {_quote('ANSWER: ' + answer, 30)} is not one of the options "
                   f"{', '.join(letters)}; not imported")
        return None
    question = _new_question("", start, "\n".join(stem))
    question.type, question.text_format = "single", PLAIN  # Aiken is text: `<b>` or `#` show as written
    question.options = [Option(_letter_id(index), text, letter == answer.upper(), "")
                        for index, (letter, text) in enumerate(options)]
    return question


def _escape(text: str) -> str:
    """Escape GIFT's special characters, backslashes and line breaks."""
    text = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    for char in GIFT_SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _text(text: str) -> str:
    """Escape a text, protecting one that starts like a format prefix."""
    return ("[markdown]" if text.startswith(FORMATS) else "") + _escape(text)


def _answer_line(marker: str, weight: str | None, text: str, feedback: str) -> str:
    """Write one answer; a text starting with '%' gets an explicit weight so it is not read as one."""
    if weight is None and text.startswith("%"):
        weight = "100" if marker == "=" else "0"
    line = f"{marker}{f'%{weight}%' if weight is not None else ''}{_text(text)}"
    return f"{line} #{_text(feedback)}" if feedback else line


def _gift_block(question: ParsedQuestion) -> str | None:
    """Write a question's answer block, or return None for a type GIFT cannot hold."""
    options = question.options
    if question.type == "single":
        lines = [_answer_line("=" if option.correct else "~", None, option.text, option.rationale)
                 for option in options]
    elif question.type == "multiple":
        rights = sum(option.correct for option in options)
        weight = f"{100 / rights:.5f}".rstrip("0").rstrip(".") if rights else "0"
        lines = [_answer_line("~", weight if option.correct else "-100", option.text, option.rationale)
                 for option in options]
    elif question.type == "matching":  # GIFT has no feedback on matching pairs
        lefts: dict[str | None, list[str]] = {}
        for option in options:
            lefts.setdefault(option.match, []).append(_text(option.text))
        lines = [f"={left} -> {_text(choice.text)}" for choice in question.choices
                 for left in lefts.get(choice.id, [""])]
    elif question.type == "fill_in":
        lines = [_answer_line("=", None, answer, "") for answer in question.answers]
    else:
        return None
    if question.explanation:
        lines.append("####" + _text(question.explanation))
    return "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"


def to_gift(questions: list[ParsedQuestion]) -> str:
    """Write single, multiple, matching and fill_in questions as GIFT.

    Each question goes under its category path (`$CATEGORY:`), or its domain when it has none, with its id as
    its `::title::` and its text format as the prefix, so the file imports back into the same questions.
    """
    out: list[str] = []
    category: str | None = None
    for question in questions:
        block = _gift_block(question)
        if block is None:
            label = " ".join(f"{question.type or 'untyped'} question {question.id}".split())
            out.append(f"// {label} cannot be written as GIFT\n")
            continue
        if (question.category or question.domain) != category:
            category = question.category or question.domain
            out.append(f"$CATEGORY: {' '.join((category or '$course$/top').split())}\n")
        stem, blank = question.stem, question.stem.find("_____")
        if blank >= 0 and stem[blank + 5:].strip():
            text = f"{_escape(stem[:blank])}{block}{_escape(stem[blank + 5:])}"
        else:
            text = f"{_escape(stem)} {block}"
        prefix = {MARKDOWN: "[markdown]", HTML: "[html]"}.get(question.text_format, "[plain]")
        out.append(f"::{_escape(question.id)}::{prefix}{text}\n")
    return "\n".join(out)
