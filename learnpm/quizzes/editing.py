"""Question banks in the browser: list and filter questions, create and edit them (a new version), retire, restore.

A question is written in the bank file's own Markdown (docs/authoring.md) and read by the same parser, then
held to the checks `content check` applies to a bank: what it fails is refused with its reasons; its length
cues are warnings, as there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from sqlalchemy import func, select

from learnpm import audit
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson, MediaFile, Program
from learnpm.lessons.rendering import fragment_renderer
from learnpm.quizzes import cueing
from learnpm.quizzes.bankfile import ID_RE, POOLS, TYPES, ParsedCase, ParsedQuestion, parse_bank
from learnpm.quizzes.bankimport import get_or_create_bank, lesson_ids_for, upsert_questions, version_content
from learnpm.quizzes.bankwriter import question_body
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion

BODY_MAX = 20_000
PAGE_SIZE = 100
DIFFICULTIES = ("easy", "medium", "hard")
TEMPLATES = {
    "single": "Which ...?\n\n- [x] The right answer\n  Why it is right.\n- [ ] A wrong answer\n  Why it is wrong.\n"
              "- [ ] Another wrong answer\n  Why it is wrong.\n\nExplanation: What the learner should remember.\n",
    "multiple": "Which TWO ...? (Choose two.)\n\n- [x] A right answer\n  Why.\n- [x] Another right answer\n  Why.\n"
                "- [ ] A wrong answer\n  Why not.\n\nExplanation: What the learner should remember.\n",
    "matching": "Match each term to its meaning.\n\n- Term one => Meaning one\n  Why.\n- Term two => Meaning two\n"
                "  Why.\n- => A distractor\n  Why it matches nothing.\n\nExplanation: What to remember.\n",
    "fill_in": "The document that formally authorizes a project is the project ____.\n\nanswer: charter | "
               "project charter\n\nExplanation: What to remember.\n",
    "hotspot": "Click the part of the picture that shows ...\n\n- [x] The right region {x=10 y=10 w=30 h=30}\n"
               "  Why.\n- [ ] A wrong region {x=50 y=50 w=30 h=30}\n  Why not.\n\nExplanation: What to remember.\n",
}


@dataclass
class Draft:
    """What the question form holds (plain text, as typed)."""

    bank: str = ""
    key: str = ""
    type: str = "single"
    domain: str = ""
    task: str = ""
    difficulty: str = "medium"
    lesson: str = ""
    check: bool = False
    pool: str = "exam"
    image: str = ""
    body: str = ""


@dataclass
class Checked:
    """A draft after the parser and the bank checks: `question` is None when it cannot be read at all."""

    question: ParsedQuestion | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# Listing ----------------------------------------------------------------------------------------------------

@dataclass
class Filters:
    bank: str = ""
    domain: str = ""
    task: str = ""
    type: str = ""
    pool: str = ""
    difficulty: str = ""
    flagged: bool = False
    retired: str = ""  # "" active, "yes" retired, "all"
    category: str = ""  # an imported Moodle category path, or its start
    q: str = ""


def banks() -> list[QuestionBank]:
    return list(db.session.scalars(select(QuestionBank).order_by(QuestionBank.slug)))


def list_questions(filters: Filters, flagged_keys: set[str] | None, page: int = 1, course: str = ""):
    """Return (rows of (Question, bank slug, stem), total) matching the filters, a page at a time."""
    query = (select(Question, QuestionBank.slug, QuestionVersion.content)
             .join(QuestionBank, QuestionBank.id == Question.bank_id)
             .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                   & (QuestionVersion.number == Question.version)))
    for column, value in ((QuestionBank.slug, filters.bank), (Question.domain, filters.domain),
                          (Question.task, filters.task), (Question.type, filters.type),
                          (Question.pool, filters.pool), (Question.difficulty, filters.difficulty)):
        if value:
            query = query.where(column == value)
    if course:
        query = query.where(QuestionBank.course_id.in_(select(Course.id).where(Course.slug == course)))
    if filters.retired != "all":
        query = query.where(Question.retired.is_(filters.retired == "yes"))
    if filters.category:
        query = query.where(Question.category.startswith(filters.category, autoescape=True))
    if filters.q:
        query = query.where(Question.key.contains(filters.q, autoescape=True))
    if filters.flagged:
        query = query.where(Question.key.in_(sorted(flagged_keys or ())))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(query.order_by(QuestionBank.slug, Question.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    shown = [(question, slug, " ".join(content.get("stem", "").split())[:120]) for question, slug, content in rows]
    return shown, total


def get_question(key: str) -> tuple[Question, QuestionBank, dict]:
    row = None if "\x00" in key else db.session.execute(
        select(Question, QuestionBank, QuestionVersion.content)
        .join(QuestionBank, QuestionBank.id == Question.bank_id)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
              & (QuestionVersion.number == Question.version)).where(Question.key == key)).first()
    if row is None:
        raise NotFound("There is no such question.")
    return row[0], row[1], row[2]


def lesson_ref(lesson_id: int | None) -> str:
    if lesson_id is None:
        return ""
    row = db.session.execute(select(Course.slug, Lesson.slug).join(Lesson, Lesson.course_id == Course.id)
                             .where(Lesson.id == lesson_id)).first()
    return f"{row[0]}/{row[1]}" if row else ""


def draft_of(question: Question, bank: QuestionBank, content: dict) -> Draft:
    """The form's values for a stored question."""
    return Draft(bank=bank.slug, key=question.key, type=question.type, domain=question.domain,
                 task=question.task or "", difficulty=question.difficulty, lesson=lesson_ref(question.lesson_id),
                 check=question.check, pool=question.pool, image=content.get("image") or "",
                 body=question_body(content))


def choices() -> dict:
    """What the form's lists offer: banks, lessons and media names."""
    lessons = [f"{c}/{slug}" for c, slug in db.session.execute(
        select(Course.slug, Lesson.slug).join(Lesson, Lesson.course_id == Course.id)
        .where(Lesson.retired.is_(False)).order_by(Course.slug, Lesson.position))]
    images = list(db.session.scalars(select(MediaFile.name).order_by(MediaFile.name)))
    return {"banks": banks(), "lessons": lessons, "images": images, "types": TYPES, "pools": POOLS,
            "difficulties": DIFFICULTIES}


# Checking ---------------------------------------------------------------------------------------------------

def _bank_text(draft: Draft, program: Program, course: Course | None, key: str) -> tuple[str, int]:
    """Compose the one-question bank file the parser reads; return it and the line where the body starts."""
    header = [f"type: {draft.type}", f"domain: {draft.domain}", f'task: "{draft.task}"' if draft.task else "",
              f"difficulty: {draft.difficulty}", f"lesson: {draft.lesson}" if draft.lesson else "",
              "check: true" if draft.check else "", f"pool: {draft.pool}" if draft.pool != "exam" else "",
              f"image: {draft.image}" if draft.image else ""]
    front = ["---", f"program: {program.key}", *([f"course: {course.slug}"] if course else []), "---", "",
             f"## {key}", "", *[line for line in header if line], ""]
    return "\n".join(front) + "\n" + draft.body.replace("\r\n", "\n"), len(front) + 1


def _single_line(name: str, value: str) -> list[str]:
    if any(c in value for c in "\r\n"):
        return [f"{name} must be one line"]
    return []


def check_draft(draft: Draft, *, existing: Question | None = None, existing_content: dict | None = None
                ) -> tuple[Checked, QuestionBank | None]:
    """Parse the draft as a bank would hold it and apply `content check`'s bank rules to it."""
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == draft.bank)) if draft.bank else None
    if bank is None:
        return Checked(None, [f"choose a bank (unknown bank {draft.bank!r})" if draft.bank else "choose a bank"]), None
    key = existing.key if existing else draft.key.strip()
    problems = [m for name in ("domain", "task", "lesson", "image", "type", "pool", "difficulty")
                for m in _single_line(name, getattr(draft, name))]
    if not ID_RE.fullmatch(key):
        problems.append(f"bad question id {key!r} (use letters, digits and '-', up to 64)")
    elif existing is None and db.session.scalar(select(Question.id).where(Question.key == key)):
        problems.append(f"question id {key!r} is already used")
    if len(draft.body) > BODY_MAX:
        problems.append(f"the question text is longer than {BODY_MAX:,} characters")
    if problems:
        return Checked(None, problems), bank
    program = db.session.get(Program, bank.program_id)
    course = db.session.get(Course, bank.course_id) if bank.course_id else None
    typed_lesson = draft.lesson
    if course and draft.lesson.startswith(course.slug + "/"):  # as the export writes it: `slug` in its own course
        draft = replace(draft, lesson=draft.lesson.removeprefix(course.slug + "/"))
    text, body_line = _bank_text(draft, program, course, key)
    parsed = parse_bank(text, "draft")
    checked = Checked(parsed.questions[0] if len(parsed.questions) == 1 else None)
    for problem in parsed.problems:
        where = f"line {problem.line - body_line + 1}: " if problem.line >= body_line else ""
        (checked.errors if problem.severity == "error" else checked.warnings).append(where + problem.message)
    if len(parsed.questions) > 1:
        checked.errors.append("the text holds more than one question: remove the '##' headings")
    question = checked.question
    if question is None:
        return checked, bank
    if existing_content and existing_content.get("case"):
        _attach_case(question, existing_content["case"])
    if existing is not None:  # what an import recorded, and this form does not show, stays as it was
        question.category = existing.category
        question.text_format = (existing_content or {}).get("format", question.text_format)
        question.tags = list((existing_content or {}).get("tags", []))
    _bank_rules(question, bank, program, course, checked, existing, typed_lesson)
    return checked, bank


def _attach_case(question: ParsedQuestion, case: dict) -> None:
    """A scenario set's member keeps its case (edited with the bank file; not in this form)."""
    question.case = ParsedCase(case["id"], 0, case.get("title", ""), case.get("text", ""), case.get("image"),
                               case.get("image_alt"))
    question.set, question.set_index, question.set_size = case["id"], case.get("index", 1), case.get("size", 1)


def _bank_rules(q: ParsedQuestion, bank: QuestionBank, program: Program, course: Course | None, checked: Checked,
                existing: Question | None, typed_lesson: str) -> None:
    """The rules lint._check_banks applies to a bank's question, and the bank's longest-key share."""
    rules = program.rules
    if q.domain and q.domain not in rules.domain_keys():
        checked.errors.append(f"unknown domain {q.domain!r} (known: {', '.join(rules.domain_keys())})")
    elif q.domain and q.task and str(q.task) not in rules.task_keys(q.domain):
        checked.errors.append(f"unknown task {q.task!r} in domain {q.domain!r} "
                              f"(known: {', '.join(rules.task_keys(q.domain))})")
    if q.lesson and q.lesson not in lesson_ids_for(course.slug if course else None):
        checked.errors.append(f"unknown lesson {typed_lesson!r}")
    if q.image and not db.session.scalar(select(MediaFile.id).where(MediaFile.name == q.image)):
        checked.errors.append(f"image {q.image!r} is not a media file (hotspots need their picture)")
    if q.check and q.pool == "final":
        checked.errors.append(f"question {q.id!r} is a knowledge check and in the 'final' pool: a final item's key "
                              "is never shown, a knowledge check's is (use pool: exam or extra)")
    checked.warnings.extend(cue.message for cue in cueing.question_cues(q))
    others = [_as_parsed(content, kind, pool) for kind, pool, content in db.session.execute(
        select(Question.type, Question.pool, QuestionVersion.content)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
              & (QuestionVersion.number == Question.version))
        .where(Question.bank_id == bank.id, Question.retired.is_(False), Question.type == "single",
               Question.id != (existing.id if existing else -1)))]
    share = cueing.key_longest_share([*others, q])
    singles = cueing.single_scored([*others, q])
    if share is not None and share > cueing.MAX_LONGEST_SHARE and len(singles) >= cueing.MIN_SINGLES_FOR_SHARE \
            and q.type == "single" and cueing.key_strictly_longest(q.options):
        checked.errors.append(f"with this question the key would be strictly the longest option in {share:.0%} of the "
                              f"bank's {len(singles)} single-answer exam and final questions (at most "
                              f"{cueing.MAX_LONGEST_SHARE:.0%} allowed): make a distractor as long as the key")


def _as_parsed(content: dict, kind: str, pool: str) -> SimpleNamespace:
    options = [SimpleNamespace(text=o["text"], correct=o["correct"]) for o in content.get("options", [])]
    return SimpleNamespace(type=kind, pool=pool, options=options)


def preview_content(question: ParsedQuestion) -> dict:
    """The version content a save would store (sanitized HTML), for the preview."""
    return version_content(question, fragment_renderer())


# Saving -----------------------------------------------------------------------------------------------------

def save(draft: Draft, author, *, existing: Question | None = None) -> tuple[str, list[str]]:
    """Create or edit a question; return ("added" | "changed" | "unchanged", warnings).

    Raises ValidationError with every reason when the question would fail `content check`.
    """
    existing_content = None
    if existing is not None:
        existing_content = db.session.scalar(select(QuestionVersion.content).where(
            QuestionVersion.question_id == existing.id, QuestionVersion.number == existing.version))
        if draft.bank != db.session.get(QuestionBank, existing.bank_id).slug:
            raise ValidationError("A question stays in its bank: create a new one in the other bank.",
                                  {"problems": ["a question stays in its bank"]})
    checked, bank = check_draft(draft, existing=existing, existing_content=existing_content)
    if checked.errors or checked.question is None or bank is None:
        problems = checked.errors or ["the question cannot be read"]
        raise ValidationError("Not saved: content check would fail it: " + "; ".join(problems) + ".",
                              {"problems": problems})
    parsed = checked.question
    course = db.session.get(Course, bank.course_id) if bank.course_id else None
    lesson_ids = lesson_ids_for(course.slug if course else None)
    if existing is not None and _same(existing, existing_content, parsed, lesson_ids):
        return "unchanged", checked.warnings
    was_retired = existing.retired if existing is not None else False
    added, changed, _retired, _unchanged = upsert_questions(bank, [parsed], lesson_ids, retire_missing=False)
    row = db.session.scalar(select(Question).where(Question.key == parsed.id))
    row.retired = was_retired
    audit.record(author, "question.create" if added else "question.edit", f"question:{row.id}", version=row.version)
    db.session.flush()
    return ("added" if added else "changed" if changed else "unchanged"), checked.warnings


def _same(row: Question, content: dict | None, parsed: ParsedQuestion, lesson_ids: dict[str, int]) -> bool:
    fields = {"type": parsed.type, "domain": parsed.domain, "task": parsed.task,
              "difficulty": parsed.difficulty or "medium", "lesson_id": lesson_ids.get(parsed.lesson or ""),
              "check": parsed.check, "pool": parsed.pool, "category": parsed.category}
    return all(getattr(row, k) == v for k, v in fields.items()) and content == preview_content(parsed)


def set_retired(question: Question, author, retired: bool) -> None:
    """Retire (never drawn again; its versions, answers and statistics stay) or restore a question."""
    if question.retired != retired:
        question.retired = retired
        audit.record(author, "question.retire" if retired else "question.restore", f"question:{question.id}")


def create_bank(author, *, slug: str, title: str, course_slug: str) -> QuestionBank:
    """Create an empty bank on the course's program (`content export` writes it as questions/SLUG.md)."""
    slug, title = slug.strip(), " ".join(title.split())
    if not ID_RE.fullmatch(slug) or slug != slug.lower():
        raise ValidationError(f"The bank slug {slug!r} must be lower-case letters, digits and '-'.", {"field": "slug"})
    if not title or len(title) > 200:
        raise ValidationError("Enter a title of at most 200 characters.", {"field": "title"})
    course = db.session.scalar(select(Course).where(Course.slug == course_slug)) if course_slug else None
    if course is None:
        raise ValidationError("Choose the bank's course.", {"field": "course"})
    if db.session.scalar(select(QuestionBank.id).where(QuestionBank.slug == slug)):
        raise Conflict(f"A bank {slug!r} already exists.")
    program = db.session.get(Program, course.program_id)
    bank = get_or_create_bank(slug, title, program, course, "content")
    audit.record(author, "bank.create", f"bank:{bank.id}")
    return bank


def assessment_problems(course: Course) -> list[str]:
    """What `content check` says of a course's assessment and its 'final' pool (twice the questions drawn)."""
    questions = (course.assessment or {}).get("questions")
    if not isinstance(questions, int):
        return []
    reserved = db.session.scalar(select(func.count()).select_from(Question).join(
        QuestionBank, QuestionBank.id == Question.bank_id).where(
        (QuestionBank.course_id == course.id) | QuestionBank.course_id.is_(None),
        Question.program_id == course.program_id, Question.pool == "final", Question.check.is_(False),
        Question.retired.is_(False))) or 0
    if reserved >= 2 * questions:
        return []
    return [f"the assessment draws {questions} questions but the 'final' pool holds {reserved}: it needs at least "
            f"{2 * questions} (twice as many), so that each retake is a different form (mark questions 'pool: final')"]
