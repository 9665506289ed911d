"""Item statistics of a course's questions, from two main queries: every response, and the question versions.

A question version is one item: when a question's text or key changes, its new version is analyzed
apart from the old one. A response is one graded item of a closed attempt (pretest items included);
an unanswered item is a wrong response with no option chosen. The analysis reads the most recent
MAX_ATTEMPTS closed attempts on the course's program (every attempt, for a class of ordinary size), so
the page stays fast for thousands of learners; "first attempts" keeps each learner's first response to a
question among them.

A quiz form, for KR-20, is the closed attempts of one mode whose scored items are exactly the same
question versions, e.g. a lesson's knowledge check, or an end-of-course assessment whose bank holds just
its questions. Practice quizzes and mock exams draw at random, so two attempts rarely share a form;
KR-20 is shown only for forms with at least MIN_FORM_ATTEMPTS attempts and two items.

Reading and analyzing the responses is the slow part (about 70,000 of them for 5,000 attempts), so the
view passes a cache that lives as long as the app: the analysis is reused while its fingerprint is
unchanged, and the question texts, flags of retirement and lesson titles are read afresh on every view.
The fingerprint makes a stale analysis impossible: closed attempts are never reopened, edited or deleted
(only quizzes.services.close writes them, once), so the count, highest id and latest close of the
program's closed attempts change with any new one; question versions never change once written (an edit
adds a version), so the course's version ids, with their questions' types, pin the keys and options. The
cache belongs to one app instance, i.e. one database. Filtered to a class, only its members' attempts count,
and the fingerprint also holds the membership's count, highest row id and sum of user ids.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from learnpm.classes.models import ClassMember
from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson
from learnpm.quizzes.models import Attempt, AttemptAnswer, AttemptItem, Question, QuestionBank, QuestionVersion
from learnpm.quizzes.types import question_type
from learnpm.reports.itemstats import ItemStats, Response, item_statistics, kr20

MIN_FORM_ATTEMPTS = 5
MAX_ATTEMPTS = 5_000     # the most recent closed attempts analyzed (about 70,000 responses)
MIN_RESPONSES = 5        # flags wait for this many responses
LABEL_MAX = 60


@dataclass
class OptionShare:
    id: str
    label: str
    share: float
    keyed: bool


@dataclass
class ItemRow:
    key: str
    version: int
    current: bool
    retired: bool
    type: str
    domain: str
    task: str | None
    stem: str
    stats: ItemStats
    options: list[OptionShare] = field(default_factory=list)


@dataclass
class FormReliability:
    mode: str
    lesson: str | None
    items: int
    attempts: int
    kr20: float | None


@dataclass
class ItemReport:
    course: Course
    first_only: bool
    rows: list[ItemRow]
    forms: list[FormReliability]
    responses: int
    questions: int
    unanswered_questions: int
    attempts: int = 0
    capped: bool = False


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1].rstrip() + "\u2026"


def _chosen(kind: str, answer: object) -> tuple[str, ...]:
    """The options a response chose: option ids, or left→right pairs for matching; nothing for text."""
    if kind in ("single", "hotspot") and isinstance(answer, str):
        return (answer,)
    if kind == "multiple" and isinstance(answer, list):
        return tuple(str(a) for a in answer)
    if kind == "matching" and isinstance(answer, dict):
        return tuple(f"{left}\u2192{right}" for left, right in sorted(answer.items()))
    return ()


def _keyed(content: dict) -> set[str]:
    kind = content["type"]
    if kind == "fill_in":
        return set()
    key = question_type(kind).key(content)
    if kind == "matching":
        return {f"{left}\u2192{right}" for left, right in key.items()}
    return {key} if isinstance(key, str) else set(key)


def _labels(content: dict) -> dict[str, str]:
    if content["type"] == "matching":
        rights = {c["id"]: c["text"] for c in content.get("choices", [])}
        return {f"{o['id']}\u2192{c}": f"{_short(o['text'])} \u2192 {_short(t)}"
                for o in content["options"] for c, t in rights.items()}
    return {o["id"]: _short(o["text"]) for o in content.get("options", [])}


def _course_questions(course: Course):
    return (select(Question.id).join(QuestionBank, QuestionBank.id == Question.bank_id)
            .where(Question.program_id == course.program_id,
                   or_(QuestionBank.course_id == course.id, QuestionBank.course_id.is_(None))))


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while ~70,000 short-lived rows are built (they hold no cycles).

    Each allocation burst otherwise triggers full collections that walk every live object: a third of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class _Analysis:
    """What the responses say, before question texts and lesson titles are attached: what the cache keeps."""

    stats: dict[str, ItemStats]
    forms: list[tuple[str, int | None, int, int, float | None]]  # mode, lesson id, items, attempts, KR-20
    responses: int
    attempts: int


def item_report(course: Course, first_only: bool, cache: dict | None = None, class_id: int | None = None
                ) -> ItemReport:
    """Analyze every question version of the course's questions that has responses (of one class's members).

    `cache`, a dict kept for the app's lifetime, holds the latest analysis per course, choice of attempts and class.
    """
    versions = {vid: (key, number, current, retired, kind, domain, task, content)
                for vid, number, content, key, current, retired, kind, domain, task in db.session.execute(
                    select(QuestionVersion.id, QuestionVersion.number, QuestionVersion.content, Question.key,
                           Question.version, Question.retired, Question.type, Question.domain, Question.task)
                    .join(Question, Question.id == QuestionVersion.question_id)
                    .where(Question.id.in_(_course_questions(course))))}
    # Read before the responses: an attempt closing meanwhile can make the analysis newer, never older.
    closed, last_id, last_closed = db.session.execute(
        select(func.count(), func.max(Attempt.id), func.max(Attempt.closed_at))
        .where(Attempt.program_id == course.program_id, Attempt.status == "closed", *_of_class(class_id))).one()
    fingerprint = (course.program_id, closed, last_id, last_closed, sorted((vid, v[4]) for vid, v in versions.items()),
                   _membership(class_id))
    keys = {str(vid): _keyed(v[7]) for vid, v in versions.items()}
    cache_key = (course.id, first_only) if class_id is None else (course.id, first_only, class_id)
    cached = cache.get(cache_key) if cache is not None else None
    if cached is not None and cached[0] == fingerprint:
        analysis = cached[1]
    else:
        with _collector_paused():
            analysis = _analyze(course, first_only, versions, keys, class_id)
        if cache is not None:
            cache[cache_key] = (fingerprint, analysis)

    stats = analysis.stats
    report_rows = []
    for vid_text, item in stats.items():
        key, number, current, retired, kind, domain, task, content = versions[int(vid_text)]
        labels = _labels(content)
        shares = [OptionShare(option, labels.get(option, option), share, option in keys[vid_text])
                  for option, share in item.option_share.items()]
        report_rows.append(ItemRow(key, number, number == current, retired, kind, domain, task,
                                   _short(content.get("stem", "")), item, shares))
    report_rows.sort(key=lambda r: (not r.stats.flags, r.domain, r.key, r.version))
    answered = {v[0] for vid, v in versions.items() if str(vid) in stats}
    all_keys = {v[0] for v in versions.values()}
    return ItemReport(course, first_only, report_rows, _titled(analysis.forms), analysis.responses,
                      len(all_keys), len(all_keys - answered), analysis.attempts, closed > MAX_ATTEMPTS)


def _of_class(class_id: int | None) -> tuple:
    """The condition keeping a class's members' attempts (none without a class)."""
    if class_id is None:
        return ()
    return (Attempt.user_id.in_(select(ClassMember.user_id).where(ClassMember.class_id == class_id)),)


def _membership(class_id: int | None) -> tuple | None:
    """A fingerprint of a class's members: it changes when one joins or leaves."""
    if class_id is None:
        return None
    return tuple(db.session.execute(select(func.count(), func.max(ClassMember.id), func.sum(ClassMember.user_id))
                                    .where(ClassMember.class_id == class_id)).one())


def _analyze(course: Course, first_only: bool, versions: dict[int, tuple], keys: dict[str, set],
             class_id: int | None = None) -> _Analysis:
    """Read the responses of the most recent closed attempts and compute the item statistics and the forms."""
    recent = (select(Attempt.id, Attempt.user_id, Attempt.mode, Attempt.lesson_id, Attempt.created_at)
              .where(Attempt.program_id == course.program_id, Attempt.status == "closed", *_of_class(class_id))
              .order_by(Attempt.closed_at.desc(), Attempt.id.desc()).limit(MAX_ATTEMPTS).subquery("recent"))
    rows = db.session.execute(
        select(recent.c.id, recent.c.user_id, recent.c.mode, recent.c.lesson_id, AttemptItem.question_id,
               AttemptItem.version_id, AttemptItem.scored, AttemptItem.correct, AttemptAnswer.answer)
        .join(AttemptItem, AttemptItem.attempt_id == recent.c.id)
        .outerjoin(AttemptAnswer, AttemptAnswer.item_id == AttemptItem.id)
        .where(AttemptItem.correct.is_not(None), AttemptItem.question_id.in_(_course_questions(course)))
        .order_by(recent.c.created_at, recent.c.id, AttemptItem.position)).all()

    kinds = {vid: v[4] for vid, v in versions.items()}
    names = {vid: str(vid) for vid in versions}
    seen: set[tuple[int, int]] = set()
    responses: list[Response] = []
    attempts: dict[int, tuple[int, str, int | None, dict[int, int]]] = {}
    for attempt_id, user_id, mode, lesson_id, question_id, version_id, scored, correct, answer in rows:
        first = (user_id, question_id) not in seen
        if first:
            seen.add((user_id, question_id))
        responses.append(Response(attempt_id, user_id, names[version_id], _chosen(kinds[version_id], answer),
                                  bool(correct), first))
        if scored:
            attempts.setdefault(attempt_id, (user_id, mode, lesson_id, {}))[3][version_id] = int(bool(correct))

    options = {str(vid): [o["id"] for o in v[7].get("options", [])] if v[4] in ("single", "multiple", "hotspot") else []
               for vid, v in versions.items()}
    stats = item_statistics(responses, keys, first_attempts_only=first_only, min_responses=MIN_RESPONSES,
                            options=options)
    return _Analysis(stats, _forms(attempts, first_only), len(responses), len(attempts))


def _forms(attempts: dict[int, tuple[int, str, int | None, dict[int, int]]], first_only: bool
           ) -> list[tuple[str, int | None, int, int, float | None]]:
    """Group closed attempts by (mode, lesson, exact scored items) and compute KR-20 for the forms big enough."""
    forms: dict[tuple, list[list[int]]] = defaultdict(list)
    takers: set[tuple] = set()
    for _attempt_id, (user_id, mode, lesson_id, scores) in sorted(attempts.items()):
        items = tuple(sorted(scores))
        form = (mode, lesson_id, items)
        if first_only and (user_id, form) in takers:
            continue
        takers.add((user_id, form))
        forms[form].append([scores[v] for v in items])
    return [(mode, lesson_id, len(items), len(matrix), kr20(matrix))
            for (mode, lesson_id, items), matrix in forms.items()
            if len(matrix) >= MIN_FORM_ATTEMPTS and len(items) >= 2]


def _titled(forms: list[tuple[str, int | None, int, int, float | None]]) -> list[FormReliability]:
    """Name the forms' lessons (read afresh: a title may change) and sort them."""
    ids = {lesson_id for _mode, lesson_id, *_ in forms if lesson_id}
    lessons = dict(db.session.execute(select(Lesson.id, Lesson.title).where(Lesson.id.in_(ids))).all()) if ids else {}
    found = [FormReliability(mode, lessons.get(lesson_id), items, attempts, value)
             for mode, lesson_id, items, attempts, value in forms]
    return sorted(found, key=lambda f: (f.mode, f.lesson or "", -f.attempts))
