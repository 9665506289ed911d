"""What other features need to know about a learner's quiz results (read-only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from learnpm.extensions import db
from learnpm.lessons.models import Course
from learnpm.quizzes.models import Attempt


@dataclass(frozen=True)
class AssessmentStatus:
    required: bool                # the course defines an end-of-course assessment
    passed: bool                  # the learner has passed it (always True when none is required)
    best_percent: float | None    # the learner's best score on it, if taken
    pass_percent: int | None


def assessment_status(user_id: int, course_id: int) -> AssessmentStatus:
    """Return whether the learner passed the course's end-of-course assessment."""
    course = db.session.get(Course, course_id)
    assessment = course.assessment if course else None
    if not assessment:
        return AssessmentStatus(False, True, None, None)
    best = best_final_percent(user_id, course_id)
    return AssessmentStatus(True, best is not None and best >= assessment["pass_percent"], best,
                            assessment["pass_percent"])


def best_final_percent(user_id: int, course_id: int) -> float | None:
    """Return the learner's best score on a closed "final" attempt of the course, or None."""
    return db.session.scalar(select(func.max(Attempt.score_percent)).where(
        Attempt.user_id == user_id, Attempt.course_id == course_id, Attempt.mode == "final",
        Attempt.status == "closed"))
