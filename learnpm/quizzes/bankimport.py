"""Loading parsed questions into banks: new versions for edited questions, retiring removed ones."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson, Program
from learnpm.lessons.rendering import fragment_renderer
from learnpm.quizzes.bankfile import Option, ParsedQuestion
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion
from learnpm.quizzes.textformat import MARKDOWN, renderer


def _inline(html: str) -> str:
    """Unwrap a lone paragraph so an option's HTML can sit inside a label."""
    stripped = html.strip()
    if stripped.startswith("<p>") and stripped.endswith("</p>") and stripped.count("<p>") == 1:
        return stripped[3:-4]
    return stripped


def version_content(q: ParsedQuestion, markdown) -> dict:
    """Return what a question version stores: its source text and its sanitized HTML."""
    render = renderer(q.text_format, markdown)

    def option(o: Option) -> dict:
        return {"id": o.id, "text": o.text, "html": _inline(render(o.text)), "correct": o.correct,
                "rationale": o.rationale, "rationale_html": render(o.rationale), "match": o.match,
                "region": o.region}

    content = {"type": q.type, "stem": q.stem, "stem_html": render(q.stem),
            "options": [option(o) for o in q.options],
            "choices": [{"id": c.id, "text": c.text, "html": _inline(render(c.text)), "rationale": c.rationale}
                        for c in q.choices],
            "answers": list(q.answers), "explanation": q.explanation, "explanation_html": render(q.explanation),
            "image": q.image}
    if q.text_format != MARKDOWN:
        content["format"] = q.text_format
    if q.tags:
        content["tags"] = list(q.tags)
    if q.case is not None:  # a scenario set's case travels with each of its questions' versions
        content["case"] = {"id": q.case.id, "title": q.case.title, "text": q.case.text, "html": render(q.case.text),
                           "image": q.case.image, "image_alt": q.case.alt, "index": q.set_index, "size": q.set_size}
    return content


def content_hash(q: ParsedQuestion) -> str:
    data = {"type": q.type, "stem": q.stem, "options": [vars(o) for o in q.options],
            "choices": [vars(c) for c in q.choices], "answers": q.answers, "explanation": q.explanation,
            "image": q.image, "domain": q.domain, "task": q.task, "difficulty": q.difficulty, "lesson": q.lesson,
            "check": q.check}
    if q.text_format != MARKDOWN:  # only then, so hashes of Markdown questions stay what they were
        data["format"] = q.text_format
    if q.tags:
        data["tags"] = list(q.tags)
    if q.case is not None:
        data["case"] = [q.case.id, q.case.title, q.case.text, q.case.image, q.case.alt, q.set_index, q.set_size]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def get_or_create_bank(slug: str, title: str, program: Program, course: Course | None, source: str) -> QuestionBank:
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
    if bank is None:
        bank = QuestionBank(slug=slug, title=title, program_id=program.id, course_id=course.id if course else None,
                            source=source)
        db.session.add(bank)
        db.session.flush()
    else:
        bank.title, bank.program_id = title, program.id
        bank.course_id = course.id if course else bank.course_id
    return bank


def upsert_questions(bank: QuestionBank, questions: Iterable[ParsedQuestion], lesson_ids: dict[str, int],
                     *, retire_missing: bool) -> tuple[list[str], list[str], list[str], int]:
    """Add or update the bank's questions; return (added, changed, retired, unchanged count)."""
    render = fragment_renderer()
    existing = {q.key: q for q in db.session.scalars(select(Question).where(Question.bank_id == bank.id))}
    added, changed, retired, unchanged, seen = [], [], [], 0, set()
    new: list[tuple[Question, dict]] = []  # versions of added questions, written after one flush gives their ids
    for parsed in questions:
        seen.add(parsed.id)
        digest = content_hash(parsed)
        row = existing.get(parsed.id)
        values = {"type": parsed.type, "domain": parsed.domain, "task": parsed.task,
                  "difficulty": parsed.difficulty or "medium", "lesson_id": lesson_ids.get(parsed.lesson or ""),
                  "check": parsed.check, "pool": parsed.pool, "retired": False, "program_id": bank.program_id,
                  "category": parsed.category}
        if row is None:
            row = Question(key=parsed.id, bank_id=bank.id, version=1, content_hash=digest, **values)
            db.session.add(row)
            new.append((row, version_content(parsed, render)))
            added.append(parsed.id)
        elif row.content_hash == digest and not row.retired and (row.pool, row.category) != (parsed.pool,
                                                                                             parsed.category):
            # where a question may be drawn, or the category it is filed in, is not what it says: no new version
            row.pool, row.category = parsed.pool, parsed.category
            changed.append(parsed.id)
        elif row.content_hash != digest or row.retired:
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
            row.content_hash = digest
            db.session.add(QuestionVersion(question_id=row.id, number=row.version,
                                           content=version_content(parsed, render)))
            changed.append(parsed.id)
        else:
            unchanged += 1
    if new:
        db.session.flush()
        db.session.add_all([QuestionVersion(question_id=row.id, number=1, content=content) for row, content in new])
    if retire_missing:
        for key, row in existing.items():
            if key not in seen and not row.retired:
                row.retired = True
                retired.append(key)
    db.session.flush()
    return added, changed, retired, unchanged


def lesson_ids_for(course_slug: str | None) -> dict[str, int]:
    """Map "slug" (in the bank's course) and "course/slug" to lesson ids."""
    rows = db.session.execute(select(Course.slug, Lesson.slug, Lesson.id).join(Lesson, Lesson.course_id == Course.id))
    ids = {}
    for course, slug, lesson_id in rows:
        ids[f"{course}/{slug}"] = lesson_id
        if course == course_slug:
            ids[slug] = lesson_id
    return ids
