"""Item statistics of a course's questions, from two queries: every response, and the question versions.

A question version is one item: when a question's text or key changes, its new version is analysed
apart from the old one. A response is one graded item of a closed attempt (pretest items included);
an unanswered item is a wrong response with no option chosen. The analysis reads the most recent
MAX_ATTEMPTS closed attempts on the course's program (every attempt, for a class of ordinary size), so
the page stays fast for thousands of learners; "first attempts" keeps each learner's first response to a
question among them.

A quiz form, for KR-20, is the closed attempts of one mode whose scored items are exactly the same
question versions, e.g. a lesson's knowledge check, or an end-of-course assessment whose bank holds just
its questions. Practice quizzes and mock exams draw at random, so two attempts rarely share a form;
KR-20 is shown only for forms with at least MIN_FORM_ATTEMPTS attempts and two items.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson
from learnpm.quizzes.models import Attempt, AttemptAnswer, AttemptItem, Question, QuestionBank, QuestionVersion
from learnpm.quizzes.types import question_type
from learnpm.reports.itemstats import ItemStats, Response, item_statistics, kr20

MIN_FORM_ATTEMPTS = 5
MAX_ATTEMPTS = 10_000    # the most recent closed attempts analysed
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


def item_report(course: Course, first_only: bool) -> ItemReport:
    """Analyse every question version of the course's questions that has responses."""
    questions = _course_questions(course)
    versions = {vid: (key, number, current, retired, kind, domain, task, content)
                for vid, number, content, key, current, retired, kind, domain, task in db.session.execute(
                    select(QuestionVersion.id, QuestionVersion.number, QuestionVersion.content, Question.key,
                           Question.version, Question.retired, Question.type, Question.domain, Question.task)
                    .join(Question, Question.id == QuestionVersion.question_id)
                    .where(Question.id.in_(questions)))}
    recent = (select(Attempt.id).where(Attempt.program_id == course.program_id, Attempt.status == "closed")
              .order_by(Attempt.closed_at.desc(), Attempt.id.desc()).limit(MAX_ATTEMPTS).subquery("recent"))
    rows = db.session.execute(
        select(AttemptItem.attempt_id, Attempt.user_id, Attempt.mode, Attempt.lesson_id, AttemptItem.question_id,
               AttemptItem.version_id, AttemptItem.scored, AttemptItem.correct, AttemptAnswer.answer)
        .join(recent, recent.c.id == AttemptItem.attempt_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .outerjoin(AttemptAnswer, AttemptAnswer.item_id == AttemptItem.id)
        .where(AttemptItem.correct.is_not(None), AttemptItem.question_id.in_(questions))
        .order_by(Attempt.created_at, Attempt.id, AttemptItem.position)).all()
    closed = db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.program_id == course.program_id, Attempt.status == "closed"))

    seen: set[tuple[int, int]] = set()
    responses: list[Response] = []
    attempts: dict[int, tuple[int, str, int | None, dict[int, int]]] = {}
    for attempt_id, user_id, mode, lesson_id, question_id, version_id, scored, correct, answer in rows:
        first = (user_id, question_id) not in seen
        seen.add((user_id, question_id))
        kind = versions[version_id][4] if version_id in versions else ""
        responses.append(Response(attempt_id, user_id, str(version_id), _chosen(kind, answer), bool(correct), first))
        if scored:
            attempts.setdefault(attempt_id, (user_id, mode, lesson_id, {}))[3][version_id] = int(bool(correct))

    keys = {str(vid): _keyed(v[7]) for vid, v in versions.items()}
    options = {str(vid): [o["id"] for o in v[7].get("options", [])] if v[4] in ("single", "multiple", "hotspot") else []
               for vid, v in versions.items()}
    stats = item_statistics(responses, keys, first_attempts_only=first_only, min_responses=MIN_RESPONSES,
                            options=options)
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
    return ItemReport(course, first_only, report_rows, _forms(attempts, first_only), len(responses),
                      len(all_keys), len(all_keys - answered), len(attempts), closed > MAX_ATTEMPTS)


def _forms(attempts: dict[int, tuple[int, str, int | None, dict[int, int]]], first_only: bool) -> list[FormReliability]:
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
    lessons = {lid: title for lid, title in db.session.execute(
        select(Lesson.id, Lesson.title).where(Lesson.id.in_({f[1] for f in forms if f[1]})))} if forms else {}
    found = [FormReliability(mode, lessons.get(lesson_id), len(items), len(matrix), kr20(matrix))
             for (mode, lesson_id, items), matrix in forms.items()
             if len(matrix) >= MIN_FORM_ATTEMPTS and len(items) >= 2]
    return sorted(found, key=lambda f: (f.mode, f.lesson or "", -f.attempts))
