"""A learner's progress report: the learner's own dashboard and the instructor's one-learner detail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from learnpm import audit
from learnpm.auth.models import User
from learnpm.errors import NotFound, ValidationError
from learnpm.extensions import db
from learnpm.hours import queries as hours_queries
from learnpm.hours.crediting import is_complete
from learnpm.lessons.models import Course
from learnpm.lessons.models import Program as ProgramRow
from learnpm.lessons.programs import Program
from learnpm.quizzes import review
from learnpm.quizzes.services import lesson_check_passed
from learnpm.reports import queries
from learnpm.reports.readiness import DomainReadiness, Readiness

WEAK_DOMAINS = 3
WEAK_TASKS = 5
MIN_TASK_ANSWERS = 2
EXAM_HORIZON_YEARS = 2
PRACTICE_COUNT = 10      # questions in the practice quiz a weak area offers


@dataclass
class ModuleProgress:
    course_slug: str
    course_title: str
    title: str
    lessons: int = 0
    done: int = 0
    checks: int = 0
    checks_passed: int = 0
    next_lesson: tuple[str, str] | None = None  # (slug, title) of the module's first lesson not done yet


@dataclass
class TaskScore:
    domain: str
    domain_title: str
    task: str
    task_title: str
    correct: int
    answered: int
    percent: float
    rating: str
    lessons: list[queries.LessonLink] = field(default_factory=list)


@dataclass
class WeakArea:
    domain: DomainReadiness
    lessons: list[queries.LessonLink]


@dataclass
class ExamCountdown:
    exam_date: date
    days_left: int
    hours_needed_seconds: int
    lessons_left: int
    review_due: int


@dataclass
class Dashboard:
    learner: User
    program: ProgramRow | None
    rules: Program | None
    course: Course | None
    hours_seconds: int
    target_seconds: int
    modules: list[ModuleProgress]
    lessons_total: int
    lessons_done: int
    trend: list[queries.TrendPoint]
    readiness: Readiness | None
    tasks: list[TaskScore]
    weak_domains: list[WeakArea]
    unpracticed: list[WeakArea]
    weak_tasks: list[TaskScore]
    review_due: int
    review_next: datetime | None
    exam: ExamCountdown | None
    pass_percent: float
    practice_sizes: dict[str, int] = field(default_factory=dict)  # questions a domain practice quiz would draw
    unseen_mock: tuple[int, int] = (0, 0)  # mock-exam questions never shown to the learner, of all of them

    @property
    def continue_at(self) -> ModuleProgress | None:
        """The first module, in course order, with a lesson not done yet (its `next_lesson` is the one)."""
        return next((m for m in self.modules if m.next_lesson), None)

    @property
    def hours_needed_seconds(self) -> int:
        return max(0, self.target_seconds - self.hours_seconds)


def build(learner: User, now: datetime, share: float, *, program_key: str | None = None,
          course: Course | None = None) -> Dashboard:
    """Gather the learner's progress: everything at once, or within one course for the instructor."""
    program = course.program if course is not None else queries.program_for_learner(learner.id, program_key)
    if program is None:
        raise NotFound("There is no program yet: import content first.")
    rules = program.rules

    summary = hours_queries.summary(learner.id, share)
    if course is not None:
        course_hours = next((c for c in summary.courses if c.course.id == course.id), None)
        hours, target = (course_hours.seconds if course_hours else 0), rules.target_seconds
    else:
        hours, target = summary.total_seconds, summary.target_seconds

    modules = _modules(learner.id, share, course)
    trend = queries.score_trend(learner.id, program.id, course)
    readiness, tasks = _performance(learner.id, program.id, rules, now)
    weak, unpracticed, weak_tasks = _weak_areas(program.id, rules, readiness, tasks)
    due = review.due_count(learner.id, now)
    exam = None
    if learner.exam_date is not None:
        lessons_total = sum(m.lessons for m in modules)
        lessons_done = sum(m.done for m in modules)
        exam = ExamCountdown(learner.exam_date, (learner.exam_date - now.date()).days, max(0, target - hours),
                             lessons_total - lessons_done, due)
    return Dashboard(
        learner=learner, program=program, rules=rules, course=course, hours_seconds=hours, target_seconds=target,
        modules=modules, lessons_total=sum(m.lessons for m in modules), lessons_done=sum(m.done for m in modules),
        trend=trend, readiness=readiness, tasks=tasks, weak_domains=weak, unpracticed=unpracticed,
        weak_tasks=weak_tasks, review_due=due, review_next=review.next_due(learner.id), exam=exam,
        pass_percent=queries.pass_percent(rules),
        practice_sizes={k: min(PRACTICE_COUNT, n) for k, n in queries.questions_per_domain(program.id).items()},
        unseen_mock=queries.unseen_mock_questions(learner.id, program.id))


def _modules(user_id: int, share: float, course: Course | None) -> list[ModuleProgress]:
    """Lessons done per module: enough engaged time (crediting.is_complete) and the check passed, if any."""
    lessons = queries.published_lessons([course.id] if course is not None else None)
    ids = [lesson.id for lesson in lessons]
    engaged = hours_queries.engaged_by_lesson(user_id)
    checked = queries.lessons_with_checks(ids)
    passed = lesson_check_passed(user_id, list(checked))
    modules: dict[int, ModuleProgress] = {}
    for lesson in lessons:
        module = modules.setdefault(lesson.module_id, ModuleProgress(lesson.course_slug, lesson.course_title,
                                                                     lesson.module_title))
        check = passed.get(lesson.id, False) if lesson.id in checked else None
        done = is_complete(engaged.get(lesson.id, 0), lesson.duration_seconds, share, check)
        module.lessons += 1
        module.done += done
        module.checks += check is not None
        module.checks_passed += bool(check)
        if not done and module.next_lesson is None:
            module.next_lesson = (lesson.slug, lesson.title)
    return list(modules.values())


def _performance(user_id: int, program_id: int, rules: Program, now: datetime) -> tuple[Readiness, list[TaskScore]]:
    """Return the readiness estimate and the per-task scores over the recent window, from one aggregate query."""
    by_domain: dict[str, list[int]] = {}
    tasks = []
    rows = db.session.execute(queries.recent_counts_query(program_id, rules.domain_keys(), now, [user_id],
                                                          with_task=True))
    for _user, domain, task, right, answered in rows:
        counts = by_domain.setdefault(domain, [0, 0])
        counts[0] += int(right)
        counts[1] += int(answered)
        if task:
            domain_row = rules.domain(domain) or {}
            task_row = next((t for t in domain_row.get("tasks", []) if str(t["key"]) == str(task)), {})
            percent = 100 * int(right) / int(answered)
            tasks.append(TaskScore(domain, domain_row.get("title", domain), str(task), task_row.get("title", ""),
                                   int(right), int(answered), percent, rules.rating_for(percent)))
    readiness = queries.readiness_from_counts({d: (c, n) for d, (c, n) in by_domain.items()}, rules, now)
    order = {key: i for i, key in enumerate(rules.domain_keys())}
    tasks.sort(key=lambda t: (order.get(t.domain, len(order)), t.task))
    return readiness, tasks


def _weak_areas(program_id: int, rules: Program, readiness: Readiness, tasks: list[TaskScore]):
    """The weakest practiced domains and tasks below the pass mark, and the domains not practiced yet."""
    mark = queries.pass_percent(rules)
    weak = sorted((d for d in readiness.domains if d.percent is not None and d.percent < mark),
                  key=lambda d: (d.percent, -d.weight))[:WEAK_DOMAINS]
    untried = [d for d in readiness.domains if not d.answered]
    weak_tasks = sorted((t for t in tasks if t.answered >= MIN_TASK_ANSWERS and t.percent < mark),
                        key=lambda t: (t.percent, -t.answered))[:WEAK_TASKS]
    lessons = queries.lessons_teaching(program_id, {d.key for d in weak + untried} | {t.domain for t in weak_tasks})
    for task in weak_tasks:
        task.lessons = lessons.get((task.domain, task.task), [])[:5]
    return ([WeakArea(d, lessons.get((d.key, None), [])[:5]) for d in weak],
            [WeakArea(d, lessons.get((d.key, None), [])[:5]) for d in untried], weak_tasks)


# The exam date


def exam_date_problem(value: date, today: date) -> str | None:
    """Return why `value` cannot be the exam date (None when it can): not past, within two years."""
    if value < today:
        return f"The exam date {value.isoformat()} is in the past. Enter today or a later date."
    try:
        latest = today.replace(year=today.year + EXAM_HORIZON_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + EXAM_HORIZON_YEARS, day=28)
    if value > latest:
        return (f"The exam date {value.isoformat()} is more than two years away. "
                f"Enter a date up to {latest.isoformat()}.")
    return None


def set_exam_date(learner: User, value: date | None, today: date) -> None:
    """Set or clear the learner's exam date; a new date brings review cards due after it forward.

    Clearing the date leaves the cards where they are (review.bring_before_exam has the rule).
    """
    if value is not None:
        problem = exam_date_problem(value, today)
        if problem:
            raise ValidationError(problem, {"exam_date": problem})
    moved = review.bring_before_exam(learner.id, value) if value is not None and value != learner.exam_date else 0
    learner.exam_date = value
    audit.record(learner, "learner.exam_date", f"user:{learner.id}", exam_date=value.isoformat() if value else None,
                 review_cards_moved=moved)
    db.session.flush()
