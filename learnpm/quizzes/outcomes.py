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
    return assessment_statuses([user_id], course_id)[user_id]


def assessment_statuses(user_ids: list[int], course_id: int) -> dict[int, AssessmentStatus]:
    """Return assessment_status for many learners of one course, from one query."""
    course = db.session.get(Course, course_id)
    assessment = course.assessment if course else None
    if not assessment:
        return {user_id: AssessmentStatus(False, True, None, None) for user_id in user_ids}
    best = best_final_percents(user_ids, course_id)
    mark = assessment["pass_percent"]
    return {user_id: AssessmentStatus(True, best.get(user_id) is not None and best[user_id] >= mark,
                                      best.get(user_id), mark) for user_id in user_ids}


def best_final_percents(user_ids: list[int], course_id: int) -> dict[int, float]:
    """Return each learner's best score on a closed "final" attempt of the course (learners without one left out)."""
    return dict(db.session.execute(
        select(Attempt.user_id, func.max(Attempt.score_percent))
        .where(Attempt.user_id.in_(user_ids), Attempt.course_id == course_id, Attempt.mode == "final",
               Attempt.status == "closed", Attempt.score_percent.is_not(None))
        .group_by(Attempt.user_id)).all())
