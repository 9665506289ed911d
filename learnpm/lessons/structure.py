"""Courses in the browser: create courses, modules and lessons, reorder them, retire and restore them.

The stored folder and file names (`NN-slug`) follow the order, so `content export` writes files that
`content import` reads back in the same order; relative links between lessons follow a rename.
"""

from __future__ import annotations

import posixpath
import re

from sqlalchemy import select

from learnpm import audit
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.lessons.importer import add_revision
from learnpm.lessons.loader import NUMBERED, SLUG
from learnpm.lessons.models import Course, Lesson, Module, Program
from learnpm.lessons.rendering import render_markdown
from learnpm.lessons.search import index_lesson
from learnpm.timeutil import utcnow

SLUG_MAX = 80
LESSON_TEMPLATE = """Introduce the lesson in a sentence or two: what the learner will be able to do after it.

## The main idea

Explain the idea in plain words, then show it on a real project.

## Check your understanding

Ask a question the learner can answer from the text above.
"""
TEMPLATE_MINUTES = 5
MD_LINK = re.compile(r"(\]\()([^)\s#]+\.md)([#)\s])")
ASSESSMENT_KEYS = ("questions", "minutes", "pass_percent")


def slugify(text: str) -> str:
    """Return lower-case words joined by '-' (what course, module and lesson slugs must be)."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:SLUG_MAX].strip("-")


def _slug(raw: str, title: str, what: str) -> str:
    slug = (raw or "").strip() or slugify(title)
    if not slug or not SLUG.match(slug) or len(slug) > SLUG_MAX:
        raise ValidationError(f"The {what} slug {slug!r} must be lower-case words joined by '-' "
                              f"(at most {SLUG_MAX} characters).", {"field": "slug"})
    return slug


def _title(raw: str) -> str:
    title = " ".join((raw or "").split())
    if not title or len(title) > 200:
        raise ValidationError("Enter a title of at most 200 characters.", {"field": "title"})
    return title


def assessment_from(questions: int | None, minutes: int | None, pass_percent: int | None) -> dict | None:
    """Return a course's `assessment` front matter, or None when no field is set; all three go together."""
    values = {"questions": questions, "minutes": minutes, "pass_percent": pass_percent}
    if all(v is None for v in values.values()):
        return None
    if any(v is None for v in values.values()):
        raise ValidationError("An end-of-course assessment needs questions, minutes and a pass mark.",
                              {"field": "assessment"})
    limits = {"questions": (1, 500), "minutes": (1, 600), "pass_percent": (1, 100)}
    for key, (low, high) in limits.items():
        if not low <= values[key] <= high:
            raise ValidationError(f"The assessment's {key} must be {low} to {high}, got {values[key]}.",
                                  {"field": key})
    return values


def programs() -> list[Program]:
    return list(db.session.scalars(select(Program).order_by(Program.key)))


def create_course(author, *, title: str, slug: str, program_key: str, intro: str = "",
                  assessment: dict | None = None) -> Course:
    """Create a course (in the catalog at once, as a course folder is; its new lessons are drafts)."""
    title = _title(title)
    slug = _slug(slug, title, "course")
    program = db.session.scalar(select(Program).where(Program.key == program_key))
    if program is None:
        raise ValidationError(f"Unknown program {program_key!r}.", {"field": "program"})
    if db.session.scalar(select(Course.id).where(Course.slug == slug)):
        raise Conflict(f"A course {slug!r} already exists.")
    intro = intro.strip() or f"{title}: an introduction."
    course = Course(slug=slug, title=title, program_id=program.id, intro_md=intro,
                    intro_html=render_markdown(intro).html, assessment=assessment)
    db.session.add(course)
    db.session.flush()
    audit.record(author, "course.create", f"course:{course.id}")
    return course


def update_course(course: Course, author, *, title: str, intro: str, assessment: dict | None) -> None:
    course.title, course.assessment = _title(title), assessment
    if intro != course.intro_md:
        course.intro_md, course.intro_html = intro, render_markdown(intro).html
    audit.record(author, "course.update", f"course:{course.id}")


def get_module(course: Course, slug: str) -> Module:
    module = None if "\x00" in slug else db.session.scalar(
        select(Module).where(Module.course_id == course.id, Module.slug == slug))
    if module is None:
        raise NotFound("There is no such module.")
    return module


def full_outline(course: Course) -> list[tuple[Module, list[Lesson]]]:
    """Every module with every lesson, retired and drafts included, in order (two queries)."""
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id)
                                 .order_by(Module.position)).all()
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)
                                 .order_by(Lesson.position)).all()
    by_module: dict[int, list[Lesson]] = {m.id: [] for m in modules}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(lesson)
    return [(m, by_module[m.id]) for m in modules]


def create_module(course: Course, author, *, title: str, slug: str = "") -> Module:
    title = _title(title)
    slug = _slug(slug, title, "module")
    if db.session.scalar(select(Module.id).where(Module.course_id == course.id, Module.slug == slug)):
        raise Conflict(f"The course already has a module {slug!r}.")
    last = max((m.position for m, _ in full_outline(course)), default=0)
    module = Module(course_id=course.id, slug=slug, dirname=f"{last + 1:02d}-{slug}", title=title,
                    position=last + 1, body_md="", body_html="")
    db.session.add(module)
    db.session.flush()
    audit.record(author, "module.create", f"module:{module.id}")
    return module


def create_lesson(module: Module, author, *, title: str, domain: str, slug: str = "") -> Lesson:
    """Add a draft lesson at the end of `module`, from the template; it is revision 1."""
    course = module.course
    title = _title(title)
    slug = _slug(slug, title, "lesson")
    if domain not in course.program.rules.domain_keys():
        raise ValidationError(f"Unknown domain {domain!r}.", {"field": "domain"})
    if db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id, Lesson.slug == slug)):
        raise Conflict(f"The course already has a lesson {slug!r}.")
    outline = full_outline(course)
    in_module = next(lessons for m, lessons in outline if m.id == module.id)
    before = [lesson for m, lessons in outline if m.position <= module.position for lesson in lessons]
    position = max((lesson.position for lesson in before), default=0) + 1
    for later in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id,
                                                         Lesson.position >= position)):
        later.position += 1
    rendered = render_markdown(LESSON_TEMPLATE)
    lesson = Lesson(course_id=course.id, module_id=module.id, slug=slug,
                    filename=f"{len(in_module) + 1:02d}-{slug}.md", position=position, title=title,
                    duration_minutes=TEMPLATE_MINUTES, domain=domain, objectives=[], activity_minutes=0,
                    body_md=LESSON_TEMPLATE, html=rendered.html, toc=rendered.toc, search_text=rendered.text,
                    words=rendered.words, draft=True, updated_at=utcnow())
    db.session.add(lesson)
    db.session.flush()
    add_revision(lesson, {"title": title, "duration": TEMPLATE_MINUTES, "domain": domain, "objectives": [],
                          "activity_minutes": 0, "draft": True}, LESSON_TEMPLATE, "browser", author.id)
    index_lesson(lesson.id, lesson.title, lesson.search_text)
    audit.record(author, "lesson.create", f"lesson:{lesson.id}")
    db.session.flush()
    return lesson


def _swap_positions(items: list, item, direction: str) -> bool:
    """Swap `item`'s position with its neighbour in `items` ("up" or "down"); False at the edge."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index].position, items[other].position = items[other].position, items[index].position
    db.session.flush()
    return True


def move_module(module: Module, author, direction: str) -> bool:
    """Swap a module with its neighbour above or below; return False at the edge."""
    modules = [m for m, _ in full_outline(module.course) if not m.retired or m.id == module.id]
    if not _swap_positions(modules, module, direction):
        return False
    renumber(module.course)
    audit.record(author, f"module.move_{direction}", f"module:{module.id}")
    return True


def move_lesson(lesson: Lesson, author, direction: str) -> bool:
    """Swap a lesson with its neighbour in its module; return False at the edge."""
    siblings = [x for m, lessons in full_outline(lesson.course) if m.id == lesson.module_id for x in lessons
                if not x.retired or x.id == lesson.id]
    if not _swap_positions(siblings, lesson, direction):
        return False
    renumber(lesson.course)
    audit.record(author, f"lesson.move_{direction}", f"lesson:{lesson.id}")
    return True


def set_lesson_retired(lesson: Lesson, author, retired: bool) -> None:
    """Retire (learners no longer see it; its revisions, hours and answers stay) or restore a lesson."""
    if lesson.retired != retired:
        lesson.retired = retired
        audit.record(author, "lesson.retire" if retired else "lesson.restore", f"lesson:{lesson.id}")


def set_module_retired(module: Module, author, retired: bool) -> None:
    """Retire a module with its lessons, or restore it with them."""
    module.retired = retired
    for lesson in module.lessons:
        lesson.retired = retired
    audit.record(author, "module.retire" if retired else "module.restore", f"module:{module.id}")


def _stem(name: str) -> str:
    stem = name.removesuffix(".md")
    match = NUMBERED.match(stem)
    return match.group(2) if match else stem


def renumber(course: Course) -> None:
    """Give modules and lessons positions and `NN-` names in their order; rewrite links to renamed files."""
    outline = full_outline(course)
    old = {lesson.id: f"{m.dirname}/{lesson.filename}" for m, lessons in outline for lesson in lessons}
    position = 0
    for number, (module, lessons) in enumerate(outline, start=1):
        module.position, module.dirname = number, f"{number:02d}-{module.slug}"
        for index, lesson in enumerate(lessons, start=1):
            position += 1
            lesson.position, lesson.filename = position, f"{index:02d}-{_stem(lesson.filename)}.md"
    renames = {old[lesson.id]: f"{m.dirname}/{lesson.filename}" for m, lessons in outline for lesson in lessons}
    renames = {before: after for before, after in renames.items() if before != after}
    if not renames:
        return
    old_dirs = {lesson.id: posixpath.dirname(old[lesson.id]) for _, lessons in outline for lesson in lessons}
    for module, lessons in outline:
        for lesson in lessons:
            lesson.body_md = _rewrite_links(lesson.body_md, old_dirs[lesson.id], module.dirname, renames)
    db.session.flush()


def _rewrite_links(body: str, old_dir: str, new_dir: str, renames: dict[str, str]) -> str:
    """Point relative `.md` links written from `old_dir` at the renamed files, as seen from `new_dir`."""

    def replace(match: re.Match) -> str:
        target = match.group(2)
        if "://" in target or target.startswith("/"):
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(old_dir, target))
        moved = renames.get(resolved, resolved if old_dir != new_dir else None)
        if moved is None:
            return match.group(0)
        return match.group(1) + posixpath.relpath(moved, new_dir) + match.group(3)

    return MD_LINK.sub(replace, body)
