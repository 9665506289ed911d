"""`content import`: load a checked content tree into the database, all or nothing, idempotently."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from learnpm.errors import ValidationError
from learnpm.extensions import db
from learnpm.lessons.loader import MEDIA_MAX_BYTES, MEDIA_TYPES, ContentTree, LessonSource
from learnpm.lessons.models import Course, Lesson, LessonRevision, MediaFile, Module, Program
from learnpm.lessons.rendering import render_markdown
from learnpm.lessons.search import index_lesson
from learnpm.timeutil import utcnow


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def nothing_changed(self) -> bool:
        return not (self.added or self.changed or self.retired)

    @property
    def changed_programs(self) -> list[str]:
        """The keys of the programs whose definition changed (the labels are written by _upsert_program)."""
        return [item.removeprefix("program ") for item in self.changed if item.startswith("program ")]


FRONT_MATTER_FIELDS = ("title", "duration", "domain", "objectives", "activity_minutes", "draft")


def lesson_front_matter(source: LessonSource) -> dict:
    return {k: source.doc.meta[k] for k in FRONT_MATTER_FIELDS if k in source.doc.meta}


def import_tree(tree: ContentTree, progress: Callable[[str], None] | None = None) -> ImportReport:
    """Upsert programs, media, courses, modules and lessons; retire lessons that are gone.

    The caller has checked the tree and commits (or rolls back) the session.
    """
    report = ImportReport()
    programs = {key: _upsert_program(key, program.as_dict(), report) for key, program in tree.programs.items()}
    for name, path in tree.media.items():
        _upsert_media(name, path.read_bytes(), report)
    for course_source in tree.courses.values():
        course = _upsert_course(course_source, programs, report)
        position, seen = 0, set()
        for module_source in course_source.modules:
            module = _upsert_module(course, module_source, report)
            for lesson_source in module_source.lessons:
                position += 1
                _upsert_lesson(course, module, lesson_source, position, report)
                seen.add(lesson_source.slug)
                if progress:
                    progress(f"{course.slug}/{lesson_source.slug}")
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id,
                                                              Lesson.retired.is_(False))):
            if lesson.slug not in seen:
                lesson.retired = True
                report.retired.append(f"lesson {course.slug}/{lesson.slug}")
        db.session.flush()
        _import_aids(course, course_source, report)
    db.session.flush()
    _import_banks(tree, programs, report)
    return report


def _import_aids(course: Course, source, report: ImportReport) -> None:
    from learnpm.glossary.services import import_aids  # study aids sit above lessons, beside the banks

    labels: list[tuple[str, str]] = []
    import_aids(course, source, labels)
    for kind, label in labels:
        getattr(report, kind).append(label)


def _import_banks(tree: ContentTree, programs: dict[str, Program], report: ImportReport) -> None:
    from learnpm.quizzes.bankimport import get_or_create_bank, lesson_ids_for, upsert_questions

    for parsed in tree.banks:
        slug = Path(parsed.path).stem
        course = db.session.scalar(select(Course).where(Course.slug == parsed.course)) if parsed.course else None
        bank = get_or_create_bank(slug, parsed.title or slug, programs[parsed.program], course, "content")
        added, changed, retired, unchanged = upsert_questions(bank, parsed.questions, lesson_ids_for(parsed.course),
                                                              retire_missing=True)
        report.added += [f"question {key}" for key in added]
        report.changed += [f"question {key}" for key in changed]
        report.retired += [f"question {key}" for key in retired]
        report.unchanged += unchanged


def _upsert_program(key: str, definition: dict, report: ImportReport) -> Program:
    program = db.session.scalar(select(Program).where(Program.key == key))
    if program is None:
        program = Program(key=key, title=definition["title"], definition=definition)
        db.session.add(program)
        report.added.append(f"program {key}")
    elif program.definition != definition:
        program.definition, program.title = definition, definition["title"]
        report.changed.append(f"program {key}")
    else:
        report.unchanged += 1
    db.session.flush()
    return program


def _upsert_media(name: str, data: bytes, report: ImportReport) -> None:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in MEDIA_TYPES or len(data) > MEDIA_MAX_BYTES:
        raise ValidationError(f"media {name!r}: only images up to {MEDIA_MAX_BYTES // 1024 // 1024} MB "
                              f"({', '.join(MEDIA_TYPES)})")
    digest = hashlib.sha256(data).hexdigest()
    media = db.session.scalar(select(MediaFile).where(MediaFile.name == name))
    if media is None:
        db.session.add(MediaFile(name=name, content_type=MEDIA_TYPES[suffix], data=data, sha256=digest))
        report.added.append(f"media {name}")
    elif media.sha256 != digest:
        media.data, media.sha256 = data, digest
        report.changed.append(f"media {name}")
    else:
        report.unchanged += 1


def _upsert_course(source, programs: dict[str, Program], report: ImportReport) -> Course:
    meta = source.doc.meta
    values = {"title": meta["title"], "program_id": programs[meta["program"]].id,
              "intro_md": source.doc.body, "assessment": meta.get("assessment")}
    course = db.session.scalar(select(Course).where(Course.slug == source.slug))
    return _save_rendered(course, Course, {"slug": source.slug}, values, "intro", f"course {source.slug}", report)


def _upsert_module(course: Course, source, report: ImportReport) -> Module:
    values = {"title": source.doc.meta["title"], "position": source.number, "dirname": source.path.parent.name,
              "body_md": source.doc.body, "retired": False}
    module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == source.slug))
    return _save_rendered(module, Module, {"course_id": course.id, "slug": source.slug}, values, "body",
                          f"module {course.slug}/{source.slug}", report)


def _save_rendered(row, model, keys: dict, values: dict, text: str, label: str, report: ImportReport):
    """Add `row` (None: a new `model` at `keys`) or update it to `values`, re-rendering its Markdown field
    `{text}_md` into `{text}_html` when anything changed; note which it was in `report`."""
    if row is not None and not _differs(row, values):
        report.unchanged += 1
        return row
    rendered = {f"{text}_html": render_markdown(values[f"{text}_md"]).html}
    if row is None:
        row = model(**keys, **values, **rendered)
        db.session.add(row)
        db.session.flush()
        report.added.append(label)
    else:
        _assign(row, {**values, **rendered})
        report.changed.append(label)
    return row


def _upsert_lesson(course: Course, module: Module, source: LessonSource, position: int,
                   report: ImportReport) -> None:
    meta, rendered = source.doc.meta, source.rendered
    values = {
        "module_id": module.id, "position": position, "filename": source.path.name,
        "title": meta["title"], "duration_minutes": meta["duration"], "domain": meta["domain"],
        "objectives": meta.get("objectives", []), "activity_minutes": meta.get("activity_minutes", 0),
        "draft": bool(meta.get("draft", False)), "retired": False, "body_md": source.doc.body,
        "html": rendered.html, "toc": rendered.toc, "search_text": rendered.text, "words": rendered.words,
        "source_hash": source.raw_hash,
    }
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == source.slug))
    name = f"lesson {course.slug}/{source.slug}"
    if lesson is None:
        lesson = Lesson(course_id=course.id, slug=source.slug, updated_at=utcnow(), **values)
        db.session.add(lesson)
        db.session.flush()
        report.added.append(name)
    elif _differs(lesson, {key: value for key, value in values.items() if key != "source_hash"}):
        text_changed = lesson.body_md != source.doc.body or lesson.title != meta["title"]
        _assign(lesson, values)
        lesson.updated_at = utcnow()
        report.changed.append(name)
        if not text_changed:
            index_lesson(lesson.id, lesson.title, lesson.search_text)
            return
    else:  # the same lesson, perhaps written out by `content export` in another layout: not a change
        lesson.source_hash = source.raw_hash
        report.unchanged += 1
        return
    add_revision(lesson, lesson_front_matter(source), source.doc.body, "import", None)
    index_lesson(lesson.id, lesson.title, lesson.search_text)


def add_revision(lesson: Lesson, front_matter: dict, body: str, source: str, author_id: int | None) -> None:
    last = db.session.scalar(select(LessonRevision.number).where(LessonRevision.lesson_id == lesson.id)
                             .order_by(LessonRevision.number.desc()).limit(1)) or 0
    db.session.add(LessonRevision(lesson_id=lesson.id, number=last + 1, title=lesson.title,
                                  front_matter=front_matter, body_md=body, source=source, author_id=author_id))


def _differs(row, values: dict) -> bool:
    return any(getattr(row, key) != value for key, value in values.items())


def _assign(row, values: dict) -> None:
    for key, value in values.items():
        setattr(row, key, value)

