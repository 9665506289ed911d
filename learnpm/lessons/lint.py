"""`content check`: every rule a content tree must meet, reported as file:line problems."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from learnpm.lessons.editrules import (  # noqa: F401 - the rules a browser save applies too
    ACTIVITY_HEADING,
    CHECK_QUESTION_MINUTES,
    FAIL_FACTOR,
    FAIL_SLACK,
    READING_WORDS_PER_MINUTE,
    WARN_FACTOR,
    estimate_minutes,
)
from learnpm.lessons.loader import ContentTree, CourseSource, LessonSource, load_tree, render_lessons
from learnpm.quizzes import cueing
from learnpm.quizzes.bankfile import Problem

LESSON_KEYS = {"title", "duration", "domain", "objectives", "activity_minutes", "slug", "draft"}


def check_content(root: Path) -> tuple[ContentTree, list[Problem]]:
    """Load, render and check a content tree; return it with every problem, in file order."""
    tree = load_tree(root)
    render_lessons(tree)
    _check_courses(tree)
    _check_banks(tree)
    _check_durations(tree)
    problems = sorted(tree.problems, key=lambda p: (p.path, p.line))
    return tree, problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_courses(tree: ContentTree) -> None:
    for course in tree.courses.values():
        meta = course.doc.meta
        if course.doc.error:
            continue
        if not isinstance(meta.get("title"), str) or not meta["title"].strip():
            tree.problem(course.path, course.doc.key_lines.get("title", 1),
                         f"course title is required (a text), got {meta.get('title')!r}")
        program = meta.get("program")
        if program not in tree.programs:
            tree.problem(course.path, course.doc.key_lines.get("program", 1),
                         f"unknown program {program!r} (programs: {', '.join(sorted(tree.programs)) or 'none'})")
        _check_assessment(tree, course)
        for module in course.modules:
            if not module.doc.error and not isinstance(module.doc.meta.get("title"), str):
                tree.problem(module.path, module.doc.key_lines.get("title", 1),
                             f"module title is required (a text), got {module.doc.meta.get('title')!r}")
        _check_aids(tree, course)
        slugs: dict[str, LessonSource] = {}
        for lesson in course.lessons:
            if lesson.doc.error:
                continue
            _check_lesson(tree, course, lesson)
            if lesson.slug in slugs:
                tree.problem(lesson.path, lesson.field_line("slug"),
                             f"duplicate slug {lesson.slug!r} (also {slugs[lesson.slug].path})")
            slugs[lesson.slug] = lesson


def _check_aids(tree: ContentTree, course: CourseSource) -> None:
    """A glossary term names a lesson of its course; a reference page has a title and a text."""
    slugs = {lesson.slug for lesson in course.lessons}
    for term in course.glossary.terms if course.glossary else []:
        if term.lesson and term.lesson not in slugs:
            tree.problem(course.glossary_path, term.line, f"term {term.term!r}: unknown lesson {term.lesson!r}")
    for page in course.references:
        if page.doc.error:
            continue
        if not isinstance(page.doc.meta.get("title"), str) or not page.doc.meta["title"].strip():
            tree.problem(page.path, page.doc.key_lines.get("title", 1),
                         f"reference page title is required (a text), got {page.doc.meta.get('title')!r}")
        if not page.doc.body.strip():
            tree.problem(page.path, page.doc.body_line, "reference page is empty")


def _check_assessment(tree: ContentTree, course: CourseSource) -> None:
    assessment = course.doc.meta.get("assessment")
    if assessment is None:
        return
    line = course.doc.key_lines.get("assessment", 1)
    if not isinstance(assessment, dict):
        tree.problem(course.path, line, f"assessment must be questions, minutes, pass_percent; got {assessment!r}")
        return
    for name, low, high in (("questions", 1, 500), ("minutes", 1, 1440), ("pass_percent", 1, 100),
                            ("attempts_per_day", 1, 50)):
        value = assessment.get(name, 2 if name == "attempts_per_day" else None)
        if not _whole(value) or not low <= value <= high:
            tree.problem(course.path, line, f"assessment {name} must be a whole number from {low} to {high}, "
                                            f"got {value!r}")
    for key in assessment.keys() - {"questions", "minutes", "pass_percent", "attempts_per_day"}:
        tree.problem(course.path, line, f"unknown assessment field {key!r}", "warning")
    questions = assessment.get("questions")
    reserved = sum(1 for bank in tree.banks if bank.course in (None, course.slug)
                   and bank.program == course.doc.meta.get("program")
                   for q in bank.questions if q.pool == "final" and not q.check)
    if _whole(questions) and reserved < 2 * questions:
        tree.problem(course.path, line, f"the assessment draws {questions} questions but the 'final' pool holds "
                                        f"{reserved}: it needs at least {2 * questions} (twice as many), so that "
                                        "each retake is a different form (mark questions 'pool: final')")


def _check_lesson(tree: ContentTree, course: CourseSource, lesson: LessonSource) -> None:
    meta, line = lesson.doc.meta, lesson.field_line
    for key in meta.keys() - LESSON_KEYS:
        tree.problem(lesson.path, line(key), f"unknown front matter field {key!r}", "warning")
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        tree.problem(lesson.path, line("title"), f"title is required (a text), got {meta.get('title')!r}")
    duration = meta.get("duration")
    if not _whole(duration) or not 1 <= duration <= 600:
        tree.problem(lesson.path, line("duration"),
                     f"duration must be whole minutes from 1 to 600, got {duration!r}")
    program = tree.programs.get(course.doc.meta.get("program"))
    domain = meta.get("domain")
    if domain is None:
        tree.problem(lesson.path, 1, "domain is required")
    elif program and domain not in program.domain_keys():
        tree.problem(lesson.path, line("domain"),
                     f"unknown domain {domain!r} (known: {', '.join(program.domain_keys())})")
    objectives = meta.get("objectives", [])
    if not isinstance(objectives, list):
        tree.problem(lesson.path, line("objectives"), f"objectives must be a list of texts, got {objectives!r:.60}")
    else:
        for number, objective in enumerate(objectives, start=1):
            if not isinstance(objective, str):
                tree.problem(lesson.path, line("objectives") + number,
                             f"objective {number} is not plain text: {objective!r:.70} "
                             "(put it in quotes when it contains ': ')")
    activity = meta.get("activity_minutes", 0)
    if not _whole(activity) or activity < 0:
        tree.problem(lesson.path, line("activity_minutes"),
                     f"activity_minutes must be whole minutes, got {activity!r}")
    elif sum(int(m) for m in ACTIVITY_HEADING.findall(lesson.doc.body)) != activity:
        stated = sum(int(m) for m in ACTIVITY_HEADING.findall(lesson.doc.body))
        tree.problem(lesson.path, line("activity_minutes"),
                     f"activity_minutes is {activity!r} but the text's '(N minutes)' headings add up to {stated}")
    if "draft" in meta and not isinstance(meta["draft"], bool):
        tree.problem(lesson.path, line("draft"), f"draft must be true or false, got {meta['draft']!r}")
    if "slug" in meta and not (isinstance(meta["slug"], str) and re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                                                          meta["slug"])):
        tree.problem(lesson.path, line("slug"), f"slug must be lower-case words joined by '-', got {meta['slug']!r}")
    if not lesson.doc.body.strip():
        tree.problem(lesson.path, lesson.doc.body_line, "lesson is empty: it has front matter but no text")


def lesson_lookup(tree: ContentTree) -> dict[tuple[str, str], LessonSource]:
    return {(lesson.course, lesson.slug): lesson for lesson in tree.lessons}


def resolve_lesson_ref(ref: str, default_course: str | None) -> tuple[str | None, str]:
    course, _, slug = ref.rpartition("/")
    return (course or default_course), slug


def _check_banks(tree: ContentTree) -> None:
    lessons = lesson_lookup(tree)
    first_seen: dict[str, str] = {}
    for bank in tree.banks:
        program = tree.programs.get(bank.program) if bank.program else None
        if bank.program and program is None:
            tree.problem(bank.path, 2, f"unknown program {bank.program!r}")
        if bank.course and bank.course not in tree.courses:
            tree.problem(bank.path, 2, f"unknown course {bank.course!r}")
        for q in bank.questions:
            where = f"{bank.path}:{q.line}"
            if q.id in first_seen:
                tree.problem(bank.path, q.line, f"question id {q.id!r} is also used at {first_seen[q.id]}")
            first_seen.setdefault(q.id, where)
            if program and q.domain and q.domain not in program.domain_keys():
                tree.problem(bank.path, q.fields.get("domain", q.line),
                             f"unknown domain {q.domain!r} (known: {', '.join(program.domain_keys())})")
            elif program and q.domain and q.task and str(q.task) not in program.task_keys(q.domain):
                tree.problem(bank.path, q.fields.get("task", q.line),
                             f"unknown task {q.task!r} in domain {q.domain!r} "
                             f"(known: {', '.join(program.task_keys(q.domain))})")
            if q.lesson:
                key = resolve_lesson_ref(q.lesson, bank.course)
                if key not in lessons:
                    tree.problem(bank.path, q.fields.get("lesson", q.line), f"unknown lesson {q.lesson!r}")
            if q.image and q.image not in tree.media:
                tree.problem(bank.path, q.fields.get("image", q.line),
                             f"image {q.image!r} is not a file in content/media/ (hotspots need their picture)")
            if q.case and q.case.image and q.case.image not in tree.media:
                tree.problem(bank.path, q.case.fields.get("image", q.case.line),
                             f"image {q.case.image!r} of case {q.case.id!r} is not a file in content/media/")
            if q.check and q.pool == "final":
                tree.problem(bank.path, q.fields.get("pool", q.line),
                             f"question {q.id!r} is a knowledge check and in the 'final' pool: a final item's "
                             "key is never shown, a knowledge check's is (use pool: exam or extra)")
            for cue in cueing.question_cues(q):
                tree.problem(bank.path, cue.line, cue.message, "warning")
        _check_longest_share(tree, bank)


def _check_longest_share(tree: ContentTree, bank) -> None:
    """Fail a bank whose keys are too often strictly the longest option (a test-wise learner's shortcut)."""
    share = cueing.key_longest_share(bank.questions)
    singles = cueing.single_scored(bank.questions)
    if share is not None and share > cueing.MAX_LONGEST_SHARE and len(singles) >= cueing.MIN_SINGLES_FOR_SHARE:
        tree.problem(bank.path, 1, f"the key is strictly the longest option in {share:.0%} of the bank's "
                                   f"{len(singles)} single-answer exam and final questions (at most "
                                   f"{cueing.MAX_LONGEST_SHARE:.0%} allowed): always picking the longest "
                                   "option must not pay")


def check_question_counts(tree: ContentTree) -> Counter:
    """Count knowledge-check questions per (course, lesson slug)."""
    counts: Counter = Counter()
    for bank in tree.banks:
        for q in bank.questions:
            if q.check and q.lesson:
                counts[resolve_lesson_ref(q.lesson, bank.course)] += 1
    return counts


def _check_durations(tree: ContentTree) -> None:
    checks = check_question_counts(tree)
    for lesson in tree.lessons:
        meta = lesson.doc.meta
        duration, activity = meta.get("duration"), meta.get("activity_minutes", 0)
        if lesson.rendered is None or not _whole(duration) or not _whole(activity):
            continue
        estimate = estimate_minutes(lesson.rendered.words, activity, checks[(lesson.course, lesson.slug)])
        detail = (f"duration {duration} is above the estimate of {estimate:.1f} minutes "
                  f"({lesson.rendered.words} words, {activity} activity minutes, "
                  f"{checks[(lesson.course, lesson.slug)]} check questions)")
        if duration > FAIL_FACTOR * estimate + FAIL_SLACK:
            tree.problem(lesson.path, lesson.field_line("duration"), f"{detail}: the text cannot support it")
        elif duration > WARN_FACTOR * estimate:
            tree.problem(lesson.path, lesson.field_line("duration"), detail, "warning")

