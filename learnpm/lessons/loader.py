"""Read a content tree (programs, courses, modules, lessons, media, banks) into plain values."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from learnpm.glossary.parsing import ParsedGlossary, parse_glossary
from learnpm.lessons.frontmatter import Document, parse_document
from learnpm.lessons.programs import Program, program_from_dict, program_problems
from learnpm.lessons.rendering import Rendered, render_markdown
from learnpm.quizzes.bankfile import ParsedBank, Problem, parse_bank

NUMBERED = re.compile(r"^(\d+)-(.+)$")
GLOSSARY_FILE, REFERENCE_DIR = "glossary.md", "reference"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MEDIA_MAX_BYTES = 5 * 1024 * 1024
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}


@dataclass
class LessonSource:
    path: Path
    course: str
    module: str
    number: int
    doc: Document
    raw_hash: str
    rendered: Rendered | None = None

    @property
    def slug(self) -> str:
        explicit = self.doc.meta.get("slug")
        if isinstance(explicit, str) and explicit:
            return explicit
        match = NUMBERED.match(self.path.stem)
        return match.group(2) if match else self.path.stem

    def field_line(self, name: str) -> int:
        return self.doc.key_lines.get(name, 1)


@dataclass
class ModuleSource:
    path: Path
    slug: str
    number: int
    doc: Document
    lessons: list[LessonSource] = field(default_factory=list)


@dataclass
class ReferenceSource:
    """A page of `courses/COURSE/reference/NN-SLUG.md`: a formula sheet, an artifact reference."""

    path: Path
    slug: str
    number: int
    doc: Document


@dataclass
class CourseSource:
    path: Path
    slug: str
    doc: Document
    modules: list[ModuleSource] = field(default_factory=list)
    glossary: ParsedGlossary | None = None  # courses/COURSE/glossary.md, when there is one
    glossary_path: Path | None = None
    references: list[ReferenceSource] = field(default_factory=list)

    @property
    def lessons(self) -> list[LessonSource]:
        return [lesson for module in self.modules for lesson in module.lessons]


@dataclass
class ContentTree:
    root: Path
    programs: dict[str, Program] = field(default_factory=dict)
    courses: dict[str, CourseSource] = field(default_factory=dict)
    media: dict[str, Path] = field(default_factory=dict)
    banks: list[ParsedBank] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: Path | str, line: int, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.display(path), line, message, severity))

    @staticmethod
    def display(path: Path | str) -> str:
        return str(path)

    @property
    def lessons(self) -> list[LessonSource]:
        return [lesson for course in self.courses.values() for lesson in course.lessons]


def load_tree(root: Path) -> ContentTree:
    """Parse every file under `root`; problems are collected, never raised."""
    tree = ContentTree(root=root)
    if not root.is_dir():
        tree.problem(root, 1, f"content folder {str(root)!r} does not exist")
        return tree
    _load_programs(tree)
    for course_dir in sorted((root / "courses").glob("*")):
        if course_dir.is_dir():
            _load_course(tree, course_dir)
    media_dir = root / "media"
    if media_dir.is_dir():
        for path in sorted(media_dir.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                tree.media[path.relative_to(media_dir).as_posix()] = path
    for path in sorted((root / "questions").glob("*.md")):
        bank = parse_bank(path.read_bytes().decode("utf-8", errors="replace"), tree.display(path))
        tree.banks.append(bank)
        tree.problems.extend(bank.problems)
    return tree


def _load_programs(tree: ContentTree) -> None:
    for path in sorted((tree.root / "programs").glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_bytes())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            tree.problem(path, mark.line + 1 if mark else 1, f"invalid YAML: {getattr(exc, 'problem', exc)}")
            continue
        problems = program_problems(data, path.stem)
        for message in problems:
            tree.problem(path, 1, message)
        if not problems:
            tree.programs[path.stem] = program_from_dict({**data, "key": path.stem})


def _document(tree: ContentTree, path: Path) -> Document:
    doc = parse_document(path.read_bytes())
    if doc.error:
        tree.problem(path, *doc.error)
    return doc


def _load_course(tree: ContentTree, course_dir: Path) -> None:
    course_file = course_dir / "course.md"
    if not course_file.exists():
        tree.problem(course_dir, 1, f"course folder {course_dir.name!r} has no course.md")
        return
    course = CourseSource(course_file, course_dir.name, _document(tree, course_file))
    if not SLUG.match(course.slug):
        tree.problem(course_file, 1, f"course folder name {course.slug!r} must be lower-case words joined by '-'")
    _load_aids(tree, course, course_dir)
    for module_dir in sorted(p for p in course_dir.iterdir() if p.is_dir() and p.name != REFERENCE_DIR):
        match = NUMBERED.match(module_dir.name)
        if not match:
            tree.problem(module_dir, 1, f"module folder {module_dir.name!r} must start with a number, e.g. 01-")
            continue
        module_file = module_dir / "module.md"
        if not module_file.exists():
            tree.problem(module_dir, 1, f"module folder {module_dir.name!r} has no module.md")
            continue
        module = ModuleSource(module_file, match.group(2), int(match.group(1)), _document(tree, module_file))
        for path in sorted(module_dir.glob("*.md")):
            if path.name == "module.md":
                continue
            number = NUMBERED.match(path.stem)
            if not number:
                tree.problem(path, 1, f"lesson file {path.name!r} must start with a number, e.g. 01-")
                continue
            raw = path.read_bytes()
            module.lessons.append(LessonSource(path, course.slug, module.slug, int(number.group(1)),
                                               _document(tree, path), hashlib.sha256(raw).hexdigest()))
        course.modules.append(module)
    tree.courses[course.slug] = course


def _load_aids(tree: ContentTree, course: CourseSource, course_dir: Path) -> None:
    """Read the course's glossary and reference pages, when it has them."""
    glossary = course_dir / GLOSSARY_FILE
    if glossary.is_file():
        doc = _document(tree, glossary)
        course.glossary_path = glossary
        course.glossary = parse_glossary(doc.body, doc.body_line) if not doc.error else ParsedGlossary([], [])
        for line, message in course.glossary.problems:
            tree.problem(glossary, line, message)
    for path in sorted((course_dir / REFERENCE_DIR).glob("*.md")):
        number = NUMBERED.match(path.stem)
        if not number:
            tree.problem(path, 1, f"reference file {path.name!r} must start with a number, e.g. 01-")
            continue
        course.references.append(ReferenceSource(path, number.group(2), int(number.group(1)), _document(tree, path)))


def lesson_resolver(tree: ContentTree, lesson: LessonSource, url_for_lesson, url_for_media):
    """Return a resolver of the lesson's relative links to lesson and media URLs."""
    by_path = {source.path.resolve(): source for source in tree.lessons}
    media_root = (tree.root / "media").resolve()

    def resolve(target: str) -> str | None:
        path_part, _, anchor = target.partition("#")
        if not path_part:
            return target
        candidate = (lesson.path.parent / path_part).resolve()
        if candidate in by_path:
            linked = by_path[candidate]
            return url_for_lesson(linked.course, linked.slug) + (f"#{anchor}" if anchor else "")
        if candidate.is_relative_to(media_root) and candidate.is_file():
            return url_for_media(candidate.relative_to(media_root).as_posix())
        return None

    return resolve


def render_lessons(tree: ContentTree, url_for_lesson=None, url_for_media=None) -> None:
    """Render every readable lesson, recording broken links and removed HTML as problems."""
    url_for_lesson = url_for_lesson or (lambda course, slug: f"/courses/{course}/{slug}")
    url_for_media = url_for_media or (lambda name: f"/media/{name}")
    for lesson in tree.lessons:
        if lesson.doc.error:
            continue
        lesson.rendered = render_markdown(lesson.doc.body,
                                          lesson_resolver(tree, lesson, url_for_lesson, url_for_media))
        lines = lesson.doc.body.split("\n")
        for target in lesson.rendered.broken_links:
            offset = next((i for i, text in enumerate(lines) if target in text), 0)
            where = "leaves the content folder" if ".." in target and _escapes(tree, lesson, target) \
                else "points to no lesson or media file"
            tree.problem(lesson.path, lesson.doc.body_line + offset, f"link {target!r} {where}")
        for part in dict.fromkeys(lesson.rendered.unsafe):
            offset = next((i for i, text in enumerate(lines) if part in text), 0)
            tree.problem(lesson.path, lesson.doc.body_line + offset,
                         f"raw HTML or unsafe link {part[:60]!r} will be removed when rendered", "warning")


def _escapes(tree: ContentTree, lesson: LessonSource, target: str) -> bool:
    candidate = (lesson.path.parent / target.partition("#")[0]).resolve()
    return not candidate.is_relative_to(tree.root.resolve())
