"""Read a Moodle XML question export: multichoice, truefalse, matching and shortanswer, with categories.

The file is parsed by the standard library's expat through defusedxml with DTDs refused, so no entity is ever
expanded or fetched. What cannot be imported (essays, numerical, cloze and other types, questions without a
right answer) is reported at the line of its `<question>` and left out.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError, TreeBuilder  # nosec B405 - parsing goes through defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from learnpm.quizzes.bankfile import Option, ParsedQuestion, Problem, _letter_id, _quote, _Report
from learnpm.quizzes.interchange import MAX_BYTES, assign_ids, category_parts
from learnpm.quizzes.textformat import HTML, MARKDOWN, PLAIN

TEXT_FORMATS = {"html": HTML, "markdown": MARKDOWN, "plain_text": PLAIN, "moodle_auto_format": PLAIN}
SUPPORTED = ("multichoice", "truefalse", "matching", "shortanswer")


class _LineBuilder(TreeBuilder):
    """A tree builder that remembers the line where each element starts."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber if self.parser else 0
        return element


def _parse(text: str, report: _Report) -> tuple[Element | None, dict[int, int]]:
    """Parse the XML safely; report why it cannot be read and return None."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text)
        return parser.close(), builder.lines
    except DefusedXmlException:
        report.add(1, "the file declares a DTD or entities, which a Moodle XML export never has; not imported")
    except ParseError as exc:
        line = exc.position[0] if exc.position else 1
        report.add(line, f"the file is not well-formed XML ({_quote(str(exc).split(':')[0], 80)}); not imported")
    return None, {}


def _text(element: Element | None, path: str = "text") -> str:
    """Return the stripped text of a child `<text>` (or another path), "" when missing."""
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _fraction(answer: Element) -> float | None:
    """Return an answer's `fraction` as a percentage, or None when it is not a number from -100 to 100."""
    try:
        value = float(answer.get("fraction", "0"))
    except ValueError:
        return None
    return value if -100 <= value <= 100 else None


def read_moodle_xml(text: str, path: str) -> tuple[list[ParsedQuestion], list[Problem]]:
    """Parse a Moodle XML export into questions with their name, category path, text format and tags."""
    report = _Report(path, [])
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES or "\x00" in text:
        report.add(1, f"file is {size:,} bytes; the limit for an import is {MAX_BYTES:,}" if size > MAX_BYTES
                   else "file contains NUL bytes: it is binary data, not a question file")
        return [], report.problems
    root, lines = _parse(text.removeprefix("\ufeff"), report)
    if root is None:
        return [], report.problems
    if root.tag != "quiz":
        report.add(lines.get(id(root), 1), f"the root element is <{_quote(root.tag, 30)[1:-1]}>, not <quiz>: "
                   "not a Moodle XML export; not imported")
        return [], report.problems
    questions: list[ParsedQuestion] = []
    category: str | None = None
    for element in root.iter("question"):
        line, kind = lines.get(id(element), 1), element.get("type", "")
        if kind == "category":
            category = "/".join(category_parts(_text(element, "category/text"))) or None
            continue
        name = _text(element, "name/text")
        label = _quote(name or _text(element, "questiontext/text") or kind, 50)
        if kind not in SUPPORTED:
            report.add(line, f"{kind or 'untyped'} question {label} is not supported (learnpm imports "
                       f"{', '.join(SUPPORTED)}); not imported")
            continue
        question = _question(element, kind, line, label, report)
        if question is None:
            continue
        question.title, question.category = name, category
        questions.append(question)
    assign_ids(questions)
    report.problems.sort(key=lambda problem: problem.line)
    return questions, report.problems


def _question(element: Element, kind: str, line: int, label: str, report: _Report) -> ParsedQuestion | None:
    """Build one supported question; report and return None when it has no right answer."""
    stem_element = element.find("questiontext")
    text_format = TEXT_FORMATS.get(stem_element.get("format", "") if stem_element is not None else "", HTML)
    question = ParsedQuestion("", line, kind, None, None, "medium", None, False, _text(stem_element), [], [], [],
                              _text(element.find("generalfeedback")), text_format=text_format)
    question.tags = [tag for tag in (_text(t) for t in element.findall("tags/tag")) if tag]
    if element.find(".//file") is not None:
        report.add(line, f"files embedded in {label} (images, sounds) are not imported", "warning")
    if not question.stem:
        report.add(line, f"question {label} has no question text")
    build = {"multichoice": _multichoice, "truefalse": _truefalse, "matching": _matching,
             "shortanswer": _shortanswer}[kind]
    return question if build(question, element, label, report) else None


def _answers(element: Element, label: str, report: _Report, line: int) -> list[tuple[float, str, str]] | None:
    """Return (fraction, text, feedback) of each `<answer>`; report a bad fraction and return None."""
    answers = []
    for answer in element.findall("answer"):
        fraction = _fraction(answer)
        if fraction is None:
            report.add(line, f"answer {_quote(_text(answer), 30)} of {label} has the fraction "
                       f"{_quote(answer.get('fraction'), 20)}, not a percentage; not imported")
            return None
        answers.append((fraction, _text(answer), _text(answer.find("feedback"))))
    return answers


def _multichoice(question: ParsedQuestion, element: Element, label: str, report: _Report) -> bool:
    answers = _answers(element, label, report, question.line)
    if answers is None:
        return False
    single = _text(element, "single").lower() in ("true", "1")
    right = [fraction >= 99.5 if single else fraction > 0 for fraction, *_ in answers]
    if len(answers) < 2 or not any(right):
        problem = f"{len(answers)} answer(s)" if len(answers) < 2 else "no right answer"
        report.add(question.line, f"multiple choice {label} has {problem}; not imported")
        return False
    if single and sum(right) > 1:
        report.add(question.line, f"single-answer question {label} has {sum(right)} answers worth 100%; "
                   "not imported")
        return False
    if not single and sum(right) == 1 and max(fraction for fraction, *_ in answers) >= 99.5:
        single = True
    question.type = "single" if single else "multiple"
    for index, (fraction, text, feedback) in enumerate(answers):
        # learnpm grades all or nothing, as the CAPM does: every partial weight is dropped, and named
        if (single and (0 < fraction < 99.5 or fraction < 0)) or (not single and fraction != 0):
            question.dropped.append(f"{fraction:g}% on {_quote(text, 30)}")
        question.options.append(Option(_letter_id(index), text, right[index], feedback))
    return True


def _truefalse(question: ParsedQuestion, element: Element, label: str, report: _Report) -> bool:
    answers = _answers(element, label, report, question.line)
    if answers is None:
        return False
    by_text = {text.lower(): (fraction, feedback) for fraction, text, feedback in answers}
    if set(by_text) != {"true", "false"}:
        report.add(question.line, f"true/false question {label} needs one 'true' and one 'false' answer; "
                   "not imported")
        return False
    truth = by_text["true"][0] >= 99.5
    if truth == (by_text["false"][0] >= 99.5):
        report.add(question.line, f"true/false question {label} has no single right answer; not imported")
        return False
    question.type = "single"
    question.options = [Option("a", "True", truth, by_text["true"][1]),
                        Option("b", "False", not truth, by_text["false"][1])]
    return True


def _matching(question: ParsedQuestion, element: Element, label: str, report: _Report) -> bool:
    choices: dict[str, Option] = {}
    for sub in element.findall("subquestion"):
        left, right = _text(sub), _text(sub, "answer/text")
        if not right:
            report.add(question.line, f"matching question {label} has a pair without an answer; not imported")
            return False
        choice = choices.get(right)
        if choice is None:
            choice = choices[right] = Option(f"r{len(choices) + 1}", right, False, "")
            question.choices.append(choice)
        if left:
            choice.correct = True
            question.options.append(Option(_letter_id(len(question.options)), left, True, "", choice.id))
    if len(question.options) < 2:
        report.add(question.line, f"matching question {label} has {len(question.options)} pair(s), not 2 or more; "
                   "not imported")
        return False
    question.type = "matching"
    return True


def _shortanswer(question: ParsedQuestion, element: Element, label: str, report: _Report) -> bool:
    answers = _answers(element, label, report, question.line)
    if answers is None:
        return False
    question.type = "fill_in"
    for fraction, text, _feedback in answers:
        if fraction >= 99.5:
            question.answers.append(text)
        elif fraction > 0:
            question.dropped.append(f"{fraction:g}% on {_quote(text, 30)}")
    if not question.answers:
        report.add(question.line, f"short answer {label} has no answer worth 100%; not imported")
    return bool(question.answers)
