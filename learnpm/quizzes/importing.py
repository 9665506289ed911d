"""Import a question file into a bank: a dry-run plan, then the same plan applied in one transaction.

The service behind `learnpm questions import` and the browser's `/instructor/banks/import`:

    request = ImportRequest(bank="moodle", format="gift", mapping=parse_mapping(["Planning=planning:1.2"]))
    report = plan_import(data, request)      # reads only: what would be added, changed, unchanged, refused
    report = apply_import(data, request)     # writes (flushes); the caller commits once, or rolls back
    report.summary()                         # "3 added, 1 changed, 40 unchanged, 2 not importable"

A question's identity is its GIFT `::title::` or Moodle XML name, else a fingerprint of what it asks
(interchange.assign_ids, importkeys.assign_keys): never a line number. The file's title of an exported
question is its key, so an export imported into the same bank finds the same questions. Fields a format
cannot hold (task, difficulty, lesson, knowledge check, pool) are kept from the question already in the
bank. Both functions raise learnpm.errors.ValidationError for a bad request (unknown format, program,
domain or task, bad bank slug); everything wrong inside the file is reported as "not importable" with its line and why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from learnpm.errors import ValidationError
from learnpm.extensions import db
from learnpm.lessons.models import Program
from learnpm.quizzes.bankfile import ParsedQuestion, Problem, parse_bank
from learnpm.quizzes.bankimport import get_or_create_bank, lesson_ids_for, upsert_questions
from learnpm.quizzes.importkeys import assign_keys, question_json, source_json
from learnpm.quizzes.interchange import MAX_BYTES, category_parts, parse_aiken, read_gift
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion
from learnpm.quizzes.moodlexml import read_moodle_xml

FORMATS = ("gift", "aiken", "moodle-xml", "learnpm")
FORMAT_LABELS = {"gift": "Moodle GIFT", "aiken": "Aiken", "moodle-xml": "Moodle XML",
                 "learnpm": "learnpm bank (Markdown)"}
MAX_UPLOAD_BYTES = MAX_BYTES
ADDED, CHANGED, UNCHANGED, REFUSED = "added", "changed", "unchanged", "not importable"
STATUSES = (ADDED, CHANGED, UNCHANGED, REFUSED)
BANK_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
MAP_RE = re.compile(r"(.+)=([A-Za-z0-9_-]+)(?::([A-Za-z0-9._-]+))?")
ROOTS = {"$course$", "$system$", "$module$", "$cat$", "top"}  # Moodle's context prefixes, not categories


@dataclass(frozen=True)
class ImportRequest:
    """What to import into: a bank slug, a format, and how categories become domains and tasks."""

    bank: str
    format: str
    program: str | None = None  # a program key; default: the only program
    domain: str | None = None  # the domain of questions whose category maps to none
    mapping: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # category -> (domain, task)


@dataclass
class Entry:
    """One item of the file and what the import does with it."""

    status: str  # added | changed | unchanged | not importable
    line: int
    name: str  # its title, or the start of its text
    key: str | None = None
    reason: str = ""  # why it is not importable
    category: str | None = None
    domain: str | None = None
    task: str | None = None


@dataclass
class ImportReport:
    """What an import will do (a dry run) or did (applied)."""

    bank: str
    format: str
    path: str
    digest: str  # sha256 of the exact bytes planned, so a confirm step can prove it imports what was shown
    entries: list[Entry] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # categories no --map entry and no domain key matched
    all_or_nothing: list[tuple[str, list[str]]] = field(default_factory=list)  # (question, weights dropped)
    applied: bool = False

    def count(self, status: str) -> int:
        return sum(1 for entry in self.entries if entry.status == status)

    @property
    def importable(self) -> int:
        """How many questions would be written (added or changed)."""
        return self.count(ADDED) + self.count(CHANGED)

    def summary(self) -> str:
        """Return the report's last line: `N added, N changed, N unchanged, N not importable`."""
        return ", ".join(f"{self.count(status)} {status}" for status in STATUSES)

    def text_lines(self) -> list[str]:
        """Return the whole report as lines of text, the summary last (the command line prints these)."""
        verb = "" if self.applied else "will be "
        out = [f"{'Imported' if self.applied else 'Dry run:'} {self.path} ({FORMAT_LABELS[self.format]}) "
               f"into bank {self.bank}"]
        for status in STATUSES:
            entries = [entry for entry in self.entries if entry.status == status]
            if not entries or status == UNCHANGED:
                continue
            out.append(f"{verb if status != REFUSED else ''}{status}:")
            for entry in entries:
                where = f"{self.path}:{entry.line}: "
                out.append(f"  {where}{entry.name}" + (f" - {entry.reason}" if entry.reason else
                                                        f" ({entry.key}, {entry.domain})"))
        if self.all_or_nothing:
            out.append("graded all-or-nothing (partial weights dropped):")
            out.extend(f"  {name}: {', '.join(weights)}" for name, weights in self.all_or_nothing)
        if self.unmapped:
            out.append("categories not mapped to a domain (use --map CATEGORY=DOMAIN[:TASK]):")
            out.extend(f"  {category}" for category in self.unmapped)
        if self.warnings:
            out.append("warnings:")
            out.extend(f"  {w.path}:{w.line}: {w.message}" for w in self.warnings)
        out.append(self.summary())
        return out


def upload_digest(data: bytes) -> str:
    """Return the hash that names an uploaded file's exact bytes."""
    return hashlib.sha256(data).hexdigest()


def parse_mapping(values: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """Read `CATEGORY=DOMAIN[:TASK]` lines; raise ValidationError naming the first malformed one."""
    mapping: dict[str, tuple[str, str | None]] = {}
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        match = MAP_RE.fullmatch(value)
        if match is None or not category_parts(match.group(1)):
            raise ValidationError(f"Mapping {value[:80]!r} is not CATEGORY=DOMAIN or CATEGORY=DOMAIN:TASK.")
        mapping[match.group(1).strip()] = (match.group(2), match.group(3))
    return mapping


def plan_import(data: bytes | str, request: ImportRequest, path: str = "upload") -> ImportReport:
    """Return what importing the file would do, changing nothing."""
    return _run(data, request, path, apply=False)


def apply_import(data: bytes | str, request: ImportRequest, path: str = "upload") -> ImportReport:
    """Import the file: add new questions, make a new version of each changed one; flush, never commit."""
    return _run(data, request, path, apply=True)


# -- the work --------------------------------------------------------------------------------------------------


def _program(key: str | None) -> Program:
    programs = db.session.scalars(select(Program).order_by(Program.key)).all()
    if key:
        program = next((p for p in programs if p.key == key), None)
        if program is None:
            raise ValidationError(f"No program {key!r} (import content first).")
        return program
    if len(programs) != 1:
        raise ValidationError("Name the program." if programs else "No program yet: import the content first.")
    return programs[0]


def _check_request(request: ImportRequest, program: Program) -> None:
    if request.format not in FORMATS:
        raise ValidationError(f"Unknown format {request.format!r} (use {', '.join(FORMATS)}).")
    if not BANK_RE.fullmatch(request.bank or ""):
        raise ValidationError("A bank slug is 1 to 60 lowercase letters, digits and '-'.")
    rules = program.rules
    keys = rules.domain_keys()
    if request.domain and request.domain not in keys:
        raise ValidationError(f"Unknown domain {request.domain!r} (known: {', '.join(keys)}).")
    for category, (domain, task) in request.mapping.items():
        if domain not in keys:
            raise ValidationError(f"Mapping {category!r}: unknown domain {domain!r} (known: {', '.join(keys)}).")
        if task and task not in rules.task_keys(domain):
            raise ValidationError(f"Mapping {category!r}: domain {domain!r} has no task {task!r}.")


def _decode(data: bytes | str, path: str) -> tuple[str | None, Problem | None]:
    """Return the file's text, or the problem that makes it unreadable."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_UPLOAD_BYTES:
        return None, Problem(path, 1, f"file is {len(data):,} bytes; the limit for an import is {MAX_UPLOAD_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, Problem(path, data[:exc.start].count(b"\n") + 1,
                             f"file is not UTF-8 text (byte 0x{data[exc.start]:02X} at offset {exc.start}); "
                             "save it as UTF-8 and import it again")
    return text, None


def _parse(text: str, request: ImportRequest, path: str) -> tuple[list[ParsedQuestion], list[Problem], str | None]:
    """Parse the text in its format; return questions, problems and (learnpm format) the bank's course."""
    if request.format == "gift":
        return (*read_gift(text, path), None)
    if request.format == "aiken":
        questions, problems = parse_aiken(text, path)
        return questions, [p for p in problems if "has no domain" not in p.message], None
    if request.format == "moodle-xml":
        return (*read_moodle_xml(text, path), None)
    bank = parse_bank(text, path)
    return bank.questions, bank.problems, bank.course


def _label(question: ParsedQuestion) -> str:
    text = question.title or " ".join(question.stem.split()) or question.id
    return f"'{text if len(text) <= 60 else text[:59] + '…'}'"


def _normal(category: str) -> list[str]:
    parts = [part.casefold() for part in category_parts(category)]
    while parts and parts[0] in ROOTS:
        parts = parts[1:]
    return parts


def _mapped(category: str | None, mapping: dict[str, tuple[str, str | None]],
            used: set[str] | None = None) -> tuple[str, str | None] | None:
    """Return the (domain, task) a category maps to: its own entry, a parent's, or one naming its last part."""
    parts = _normal(category or "")
    if not parts:
        return None
    best, best_key, best_len = None, None, 0
    for key, target in mapping.items():
        wanted = _normal(key)
        if (parts[:len(wanted)] == wanted or (len(wanted) == 1 and parts[-1] == wanted[0])) and len(wanted) > best_len:
            best, best_key, best_len = target, key, len(wanted)
    if used is not None and best_key is not None:
        used.add(best_key)
    return best


def _run(data: bytes | str, request: ImportRequest, path: str, *, apply: bool) -> ImportReport:
    program = _program(request.program)
    _check_request(request, program)
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    report = ImportReport(request.bank, request.format, path, upload_digest(raw), applied=apply)
    text, unreadable = _decode(raw, path)
    if text is None:
        report.entries.append(Entry(REFUSED, unreadable.line, "the whole file", reason=unreadable.message))
        return report
    questions, problems, course = _parse(text, request, path)
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == request.bank))
    if bank is not None and bank.program_id != program.id:
        raise ValidationError(f"Bank {request.bank!r} belongs to another program.")
    rows = {q.key: q for q in db.session.scalars(select(Question).where(Question.bank_id == bank.id))} if bank else {}
    lesson_ids = lesson_ids_for(course) if request.format == "learnpm" else {}
    lesson_ids.update({f"#{row.lesson_id}": row.lesson_id for row in rows.values() if row.lesson_id})
    planned = _plan(questions, problems, request, program, rows, lesson_ids, report)
    if apply and planned:
        bank = bank or get_or_create_bank(request.bank, request.bank, program, None, request.format)
        upsert_questions(bank, planned, lesson_ids, retire_missing=False)
    report.entries.sort(key=lambda entry: entry.line)
    return report


def _plan(questions: list[ParsedQuestion], problems: list[Problem], request: ImportRequest, program: Program,
          rows: dict[str, Question], lesson_ids: dict[str, int], report: ImportReport) -> list[ParsedQuestion]:
    """Fill the report's entries; return the questions to write (added or changed)."""
    keys = {key.lower(): key for key in program.rules.domain_keys()}
    errors = [p for p in problems if p.severity == "error"]
    report.warnings = [p for p in problems if p.severity != "error"]
    refused = _refused_lines(questions, errors, request.format)
    for problem in errors:
        if problem.line not in refused:
            report.entries.append(Entry(REFUSED, problem.line, "item", reason=problem.message))
    native = request.format == "learnpm"
    current = _current_versions(rows.values())
    planned_keys = {q.line: q.id for q in questions} if native else assign_keys(questions, request.bank, rows, current)
    others = _other_banks(set(planned_keys.values()) - set(rows))
    seen: dict[str, int] = {}  # key -> line
    copies: dict[str, int] = {}  # content -> line of its first appearance
    unmapped: set[str] = set()
    used: set[str] = set()  # the mapping entries some category matched
    write: list[ParsedQuestion] = []
    for question in questions:
        name = _label(question)
        if question.line in refused:
            report.entries.append(Entry(REFUSED, question.line, name, reason="; ".join(refused[question.line])))
            continue
        key = planned_keys[question.line]
        row = rows.get(key)
        if native:
            reason = "" if question.domain in keys.values() else f"unknown domain {question.domain!r}"
        else:
            reason = _resolve(question, row, current.get(row.id) if row else None, request, keys, unmapped, used)
        question.id = key
        content = question_json(question)
        if reason:
            pass
        elif key in others:
            reason = f"its id {key!r} belongs to bank {others[key]!r}"
        elif key in seen:
            reason = f"its id {key!r} is used at line {seen[key]} too"
        elif content in copies and not native:
            reason = f"the same question as line {copies[content]}"
        if question.dropped:
            report.all_or_nothing.append((name, list(question.dropped)))
        if reason:
            report.entries.append(Entry(REFUSED, question.line, name, reason=reason, category=question.category))
            continue
        seen[key] = question.line
        copies.setdefault(content, question.line)
        same = row is not None and _same(question, row, current.get(row.id), content, lesson_ids)
        status = ADDED if row is None else UNCHANGED if same else CHANGED
        report.entries.append(Entry(status, question.line, name, key, category=question.category,
                                    domain=question.domain, task=question.task))
        if status != UNCHANGED:
            write.append(question)
    report.unmapped = sorted(unmapped)
    if not native:
        report.warnings += [Problem(report.path, 1, f"mapping {key!r} matched no category of the file", "warning")
                            for key in request.mapping if key not in used]
    return write


def _refused_lines(questions: list[ParsedQuestion], errors: list[Problem], fmt: str) -> dict[int, list[str]]:
    """Map a question's line to the errors that keep it out (learnpm format: every error inside its part)."""
    starts = sorted(q.line for q in questions)
    refused: dict[int, list[str]] = {}
    for problem in errors:
        if fmt == "learnpm":
            owner = max((line for line in starts if line <= problem.line), default=None)
        else:
            owner = problem.line if problem.line in starts else None
        if owner is not None:
            refused.setdefault(owner, []).append(problem.message)
    return refused


def _resolve(question: ParsedQuestion, row: Question | None, stored: dict | None, request: ImportRequest,
             keys: dict[str, str], unmapped: set[str], used: set[str]) -> str:
    """Set an imported question's domain and task, keeping what its format cannot hold; return why it cannot."""
    mapped = _mapped(question.category, request.mapping, used)
    parts = category_parts(question.category)
    named = keys.get(parts[-1].lower()) if parts else None
    if mapped is None and named is None and question.category:
        unmapped.add(question.category)
    if len(parts) == 1 and named and mapped is None:
        question.category = None  # a category that is just a domain key (an export's) is that domain, no path
    domain, task = mapped or (named, None)
    question.domain = domain or (row.domain if row else None) or request.domain
    if question.domain is None:
        where = f"category {question.category!r} maps to no domain" if question.category else "it has no category"
        return f"{where}: map it (CATEGORY=DOMAIN) or give a default domain"
    question.task = task or (row.task if row and row.domain == question.domain else None)
    if row is not None:  # what GIFT, Aiken and Moodle XML cannot say is kept from the bank
        question.difficulty, question.check, question.pool = row.difficulty, row.check, row.pool
        question.lesson = f"#{row.lesson_id}" if row.lesson_id else None
        question.image = stored.get("image") if stored else None
        if question.type == "matching" and stored and stored.get("type") == "matching":
            _keep_matching_feedback(question, stored)
    return ""


def _keep_matching_feedback(question: ParsedQuestion, stored: dict) -> None:
    """Keep the bank's rationales of matching pairs, which GIFT and Moodle XML cannot hold."""
    if any(o.rationale for o in [*question.options, *question.choices]):
        return
    lefts = {o["text"]: o.get("rationale", "") for o in stored.get("options", [])}
    rights = {c["text"]: c.get("rationale", "") for c in stored.get("choices", [])}
    for option in question.options:
        option.rationale = lefts.get(option.text, "")
    for choice in question.choices:
        choice.rationale = rights.get(choice.text, "")


def _same(question: ParsedQuestion, row: Question, stored: dict | None, content: str,
          lesson_ids: dict[str, int]) -> bool:
    """Tell whether writing the question would change nothing a learner or an instructor sees."""
    if row.retired or stored is None:
        return False
    mine = (question.type, question.domain, question.task, question.difficulty or "medium", question.check,
            question.pool, question.category, lesson_ids.get(question.lesson or ""))
    theirs = (row.type, row.domain, row.task, row.difficulty, row.check, row.pool, row.category, row.lesson_id)
    return mine == theirs and content == source_json(stored)


def _current_versions(rows: Iterable[Question]) -> dict[int, dict]:
    ids = {row.id: row.version for row in rows}
    if not ids:
        return {}
    found = db.session.execute(select(QuestionVersion.question_id, QuestionVersion.number, QuestionVersion.content)
                               .where(QuestionVersion.question_id.in_(ids)))
    return {qid: content for qid, number, content in found if ids[qid] == number}


def _other_banks(keys: set[str]) -> dict[str, str]:
    """Return {key: bank slug} of keys already used by a question of another bank."""
    if not keys:
        return {}
    found = db.session.execute(select(Question.key, QuestionBank.slug).join(QuestionBank)
                               .where(Question.key.in_(sorted(keys))))
    return dict(found.all())
