"""`content export`: write the database's content back as files, browser edits included."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from learnpm.lessons.loader import NUMBERED
from learnpm.lessons.models import Course, Lesson, MediaFile, Module, Program


def _front(meta: dict, body: str) -> str:
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{dumped}---\n{body}"


def lesson_file_text(lesson: Lesson) -> str:
    meta = {"title": lesson.title, "duration": lesson.duration_minutes, "domain": lesson.domain}
    if lesson.objectives:
        meta["objectives"] = lesson.objectives
    if lesson.activity_minutes:
        meta["activity_minutes"] = lesson.activity_minutes
    if lesson.draft:
        meta["draft"] = True
    named = NUMBERED.match(lesson.filename.removesuffix(".md"))
    if (named.group(2) if named else lesson.filename.removesuffix(".md")) != lesson.slug:
        meta["slug"] = lesson.slug
    return _front(meta, lesson.body_md)


def export_content(session, root: Path) -> int:
    """Write programs, courses, modules, lessons and media under `root`; return files written."""
    written = 0

    def write(path: Path, data: str | bytes) -> None:
        nonlocal written
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        written += 1

    for program in session.scalars(select(Program)):
        write(root / "programs" / f"{program.key}.yml",
              yaml.safe_dump(program.definition, sort_keys=False, allow_unicode=True))
    for course in session.scalars(select(Course)):
        meta = {"title": course.title, "program": course.program.key}
        if course.assessment:
            meta["assessment"] = course.assessment
        course_dir = root / "courses" / course.slug
        write(course_dir / "course.md", _front(meta, course.intro_md))
        for module in session.scalars(select(Module).where(Module.course_id == course.id,
                                                           Module.retired.is_(False))):
            write(course_dir / module.dirname / "module.md", _front({"title": module.title}, module.body_md))
            for lesson in session.scalars(select(Lesson).where(Lesson.module_id == module.id,
                                                               Lesson.retired.is_(False))):
                write(course_dir / module.dirname / lesson.filename, lesson_file_text(lesson))
    for media in session.scalars(select(MediaFile)):
        write(root / "media" / media.name, media.data)
    return written
