"""Reading and authoring lessons: queries and workflows the views call."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, union_all
from sqlalchemy.orm import joinedload

from learnpm import audit
from learnpm.errors import NotFound, ValidationError
from learnpm.extensions import db
from learnpm.lessons.editrules import edit_problems
from learnpm.lessons.importer import add_revision
from learnpm.lessons.models import PUBLISHED_LESSON, Course, Lesson, LessonRevision, Module
from learnpm.lessons.search import Hit, index_lesson, search_lessons
from learnpm.lessons.timelimit import RenderTimeout, render_within
from learnpm.timeutil import utcnow


def published_courses() -> list[tuple[Course, int, int]]:
    """Return (course, lesson count, rated minutes) of every published course."""
    rows = db.session.execute(
        select(Course, func.count(Lesson.id), func.coalesce(func.sum(Lesson.duration_minutes), 0))
        .outerjoin(Lesson, (Lesson.course_id == Course.id) & Lesson.draft.is_(False) & Lesson.retired.is_(False))
        .where(Course.published.is_(True)).group_by(Course.id).order_by(Course.title))
    return [(course, count, minutes) for course, count, minutes in rows]


def get_course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug, Course.published.is_(True)))
    if course is None:
        raise NotFound("There is no such course.")
    return course


def get_any_course(slug: str) -> Course:
    """Return a course by slug, published or not (instructors report on drafts and issue their certificates)."""
    course = None if "\x00" in slug else db.session.scalar(  # PostgreSQL refuses NUL in text parameters
        select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(f"No course {slug!r}.")
    return course


def course_outline(course: Course, include_drafts: bool = False) -> list[tuple[Module, list[Lesson]]]:
    """Return the course's modules with their lessons, in order, in two queries."""
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id, Module.retired.is_(False))
                                 .order_by(Module.position)).all()
    query = select(Lesson).where(Lesson.course_id == course.id, Lesson.retired.is_(False))
    if not include_drafts:
        query = query.where(Lesson.draft.is_(False))
    lessons = db.session.scalars(query.order_by(Lesson.position)).all()
    by_module: dict[int, list[Lesson]] = {m.id: [] for m in modules}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(lesson)
    return [(m, by_module[m.id]) for m in modules]


@dataclass(frozen=True)
class OutlineLesson:
    id: int
    slug: str
    title: str
    duration_minutes: int
    domain: str


@dataclass(frozen=True)
class PageRef:
    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class CourseSummary:
    id: int
    slug: str
    title: str
    intro_html: str
    program_id: int


@dataclass(frozen=True)
class ReadingOutline:
    """A published course as its learners' course page shows it: nothing in it depends on who reads."""

    course: CourseSummary
    modules: tuple[tuple[PageRef, tuple[OutlineLesson, ...]], ...]

    @property
    def rated_seconds(self) -> dict[int, int]:
        return {lesson.id: lesson.duration_minutes * 60 for _, lessons in self.modules for lesson in lessons}


def reading_outline(slug: str) -> ReadingOutline | None:
    """The published course `slug` with its modules and published lessons, in order (two light queries)."""
    course = db.session.execute(select(Course.id, Course.slug, Course.title, Course.intro_html, Course.program_id)
                                .where(Course.slug == slug, Course.published.is_(True))).first()
    if course is None:
        return None
    rows = db.session.execute(
        select(Module.id, Module.slug, Module.title,
               Lesson.id, Lesson.slug, Lesson.title, Lesson.duration_minutes, Lesson.domain)
        .outerjoin(Lesson, (Lesson.module_id == Module.id) & Lesson.draft.is_(False) & Lesson.retired.is_(False))
        .where(Module.course_id == course.id, Module.retired.is_(False))
        .order_by(Module.position, Lesson.position)).all()
    modules: dict[int, tuple[PageRef, list[OutlineLesson]]] = {}
    for module_id, module_slug, module_title, *lesson in rows:
        _, lessons = modules.setdefault(module_id, (PageRef(module_id, module_slug, module_title), []))
        if lesson[0] is not None:
            lessons.append(OutlineLesson(*lesson))
    return ReadingOutline(CourseSummary(*course), tuple((m, tuple(ls)) for m, ls in modules.values()))


# The reading page's statements, built once (building one costs more than running it).
_PUBLISHED_LESSON = (select(Lesson).join(Course).options(joinedload(Lesson.module)).where(
    Course.slug == bindparam("course"), Lesson.slug == bindparam("lesson"), *PUBLISHED_LESSON))
_VISIBLE_NEIGHBOR = select(Lesson.slug, Lesson.title, Lesson.position).where(
    Lesson.course_id == bindparam("course"), Lesson.draft.is_(False), Lesson.retired.is_(False))
_NEIGHBORS = union_all(
    select(_VISIBLE_NEIGHBOR.where(Lesson.position < bindparam("position"))
           .order_by(Lesson.position.desc()).limit(1).subquery()),
    select(_VISIBLE_NEIGHBOR.where(Lesson.position > bindparam("position"))
           .order_by(Lesson.position).limit(1).subquery()))


@dataclass(frozen=True)
class LessonPage:
    """A published lesson as its reading page shows it to every learner alike (safe to keep between requests)."""

    id: int
    slug: str
    title: str
    html: str
    toc: list
    objectives: list
    domain: str
    domain_title: str
    duration_minutes: int
    course: PageRef
    module: PageRef
    previous: object  # (slug, title, position) of the published lesson before, or None
    following: object


def reading_lesson(course_slug: str, lesson_slug: str) -> LessonPage | None:
    """The published lesson with what its page shows around it (two queries), or None."""
    lesson = db.session.scalar(_PUBLISHED_LESSON, {"course": course_slug, "lesson": lesson_slug})
    if lesson is None:
        return None
    previous, following = neighbors(lesson)
    domain = lesson.course.program.rules.domain(lesson.domain)
    return LessonPage(lesson.id, lesson.slug, lesson.title, lesson.html, lesson.toc, lesson.objectives, lesson.domain,
                      domain["title"] if domain else lesson.domain, lesson.duration_minutes,
                      PageRef(lesson.course.id, lesson.course.slug, lesson.course.title),
                      PageRef(lesson.module.id, lesson.module.slug, lesson.module.title), previous, following)


def neighbors(lesson: Lesson):
    """Return (slug, title) rows of the published lessons before and after `lesson` in its course (one query)."""
    rows = db.session.execute(_NEIGHBORS, {"course": lesson.course_id, "position": lesson.position}).all()
    previous = next((row for row in rows if row.position < lesson.position), None)
    following = next((row for row in rows if row.position > lesson.position), None)
    return previous, following


@dataclass
class SearchResult:
    lesson: Lesson
    snippet: str


def search(query: str) -> list[SearchResult]:
    hits: list[Hit] = search_lessons(query)
    found = db.session.scalars(select(Lesson).where(Lesson.id.in_([h.lesson_id for h in hits])))
    lessons = {lesson.id: lesson for lesson in found}
    return [SearchResult(lessons[h.lesson_id], h.snippet) for h in hits if h.lesson_id in lessons]


# Authoring ------------------------------------------------------------------------------------------

BODY_MAX = 200_000


def get_lesson_for_edit(course_slug: str, lesson_slug: str) -> Lesson:
    lesson = db.session.scalar(select(Lesson).join(Course).where(Course.slug == course_slug,
                                                                 Lesson.slug == lesson_slug))
    if lesson is None:
        raise NotFound("There is no such lesson.")
    return lesson


RENDER_SECONDS = 5.0  # a browser's Markdown is rendered within this, else refused (gunicorn's timeout is 30 s)


def _render_limited(source: str, seconds: float, resolver=None):
    try:
        return render_within(source, seconds, resolver)
    except RenderTimeout as exc:
        raise ValidationError(f"The text took more than {seconds:g} s to render, so it was not used; look for long "
                              "runs of brackets, stars or markup and split them.") from exc


def preview(markdown_source: str, seconds: float = RENDER_SECONDS) -> str:
    """Render Markdown as a lesson page would show it (sanitized), within the size and time limits."""
    if len(markdown_source) > BODY_MAX:
        raise ValidationError(f"The text is longer than {BODY_MAX:,} characters.")
    return _render_limited(markdown_source, seconds).html


def save_lesson(lesson: Lesson, author, *, title: str, duration: int, domain: str, objectives: list[str],
                activity_minutes: int, body: str, check_questions: int = 0,
                render_seconds: float = RENDER_SECONDS) -> LessonRevision | None:
    """Save an edit as a new revision; return None when nothing changed.

    What `content check` would fail is refused (`check_questions` is the lesson's knowledge-check count,
    which the quizzes feature knows).
    """
    program = lesson.course.program.rules
    if domain not in program.domain_keys():
        raise ValidationError(f"Unknown domain {domain!r}.", {"field": "domain"})
    if len(body) > BODY_MAX:
        raise ValidationError(f"The text is longer than {BODY_MAX:,} characters.", {"field": "body"})
    if not body.strip():
        raise ValidationError("The lesson text is empty.", {"field": "body"})
    values = {"title": title, "duration_minutes": duration, "domain": domain, "objectives": objectives,
              "activity_minutes": activity_minutes, "body_md": body}
    if all(getattr(lesson, key) == value for key, value in values.items()):
        return None
    rendered = _render_limited(body, render_seconds, _stored_link_resolver(lesson))
    problems = edit_problems(title=title, duration=duration, activity_minutes=activity_minutes, body=body,
                             words=rendered.words, check_questions=check_questions,
                             broken_links=rendered.broken_links)
    if problems:
        raise ValidationError("Not saved: content check would fail it: " + "; ".join(problems) + ".",
                              {"field": "body", "problems": problems})
    for key, value in values.items():
        setattr(lesson, key, value)
    lesson.html, lesson.toc, lesson.search_text, lesson.words = (rendered.html, rendered.toc, rendered.text,
                                                                 rendered.words)
    lesson.updated_at = utcnow()
    front = {"title": title, "duration": duration, "domain": domain, "objectives": objectives,
             "activity_minutes": activity_minutes}
    add_revision(lesson, front, body, "browser", author.id)
    index_lesson(lesson.id, lesson.title, lesson.search_text)
    audit.record(author, "lesson.save", f"lesson:{lesson.id}")
    db.session.flush()
    return revisions(lesson)[0]


def _stored_link_resolver(lesson: Lesson):
    """Resolve relative links in a browser edit against the lessons stored for the course."""
    files = {f"{other.module.dirname}/{other.filename}": other.slug
             for other in db.session.scalars(select(Lesson).where(Lesson.course_id == lesson.course_id))}

    def resolve(target: str) -> str | None:
        path, _, anchor = target.partition("#")
        parts = [*lesson.module.dirname.split("/"), *path.split("/")]
        stack: list[str] = []
        for part in parts:
            if part == "..":
                if not stack:
                    return None
                stack.pop()
            elif part not in ("", "."):
                stack.append(part)
        joined = "/".join(stack)
        if joined in files:
            return f"/courses/{lesson.course.slug}/{files[joined]}" + (f"#{anchor}" if anchor else "")
        if len(parts) >= 3 and "media" in path.split("/"):
            return "/media/" + path.split("media/", 1)[1]
        return None

    return resolve


def set_draft(lesson: Lesson, author, draft: bool) -> None:
    if lesson.draft != draft:
        lesson.draft = draft
        audit.record(author, "lesson.unpublish" if draft else "lesson.publish", f"lesson:{lesson.id}")


def revisions(lesson: Lesson) -> list[LessonRevision]:
    return list(db.session.scalars(select(LessonRevision).where(LessonRevision.lesson_id == lesson.id)
                                   .order_by(LessonRevision.number.desc())))


def get_revision(lesson: Lesson, number: int) -> LessonRevision:
    revision = db.session.scalar(select(LessonRevision).where(LessonRevision.lesson_id == lesson.id,
                                                              LessonRevision.number == number))
    if revision is None:
        raise NotFound("There is no such revision.")
    return revision


def revision_diff(older: LessonRevision, newer: LessonRevision) -> list[tuple[str, str]]:
    """Return the unified diff of two revisions' text as (kind, line) pairs for display."""
    lines = difflib.unified_diff(older.body_md.splitlines(), newer.body_md.splitlines(),
                                 f"revision {older.number}", f"revision {newer.number}", lineterm="")
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return [("hunk" if line.startswith(("+++ ", "--- ")) else kinds.get(line[:1], "same"), line)
            for line in lines]


def restore_revision(lesson: Lesson, revision: LessonRevision, author) -> LessonRevision | None:
    front = revision.front_matter
    return save_lesson(lesson, author, title=front.get("title", lesson.title),
                       duration=front.get("duration", lesson.duration_minutes),
                       domain=front.get("domain", lesson.domain), objectives=front.get("objectives", []),
                       activity_minutes=front.get("activity_minutes", 0), body=revision.body_md)
