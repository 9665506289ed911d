"""What an attempt looks like to its learner: open (no key) and closed (with feedback)."""

from __future__ import annotations

from learnpm.quizzes import clock
from learnpm.quizzes.models import Attempt, AttemptAnswer, AttemptItem
from learnpm.quizzes.types import question_type


def iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def public_question(item: AttemptItem) -> dict:
    """The question as the learner sees it while answering: nothing that reveals the key."""
    content = item.version.content
    data = {"id": item.question_key, "type": content["type"], "stem": content["stem"],
            "stem_html": content["stem_html"], "position": item.position, "section": item.section}
    data.update(question_type(content["type"]).public(content, item.option_order, item.choice_order))
    return data


def attempt_payload(attempt: Attempt, items: list[AttemptItem], answers: dict[int, AttemptAnswer], now) -> dict:
    payload = {
        "id": attempt.id, "mode": attempt.mode, "status": "open" if attempt.status == "open" else "closed",
        "deadline": iso(attempt.deadline), "server_time": iso(now),
        "seconds_left": clock.seconds_left(attempt.deadline, now) if attempt.status == "open" else None,
        "break_minutes": attempt.break_minutes, "break_started_at": iso(attempt.break_started_at),
        "locked_section": attempt.locked_section,
        "questions": [public_question(item) for item in items],
        "answers": {item.question_key: {"answer": answers[item.id].answer, "flagged": answers[item.id].flagged}
                    for item in items if item.id in answers},
    }
    if attempt.status == "closed":
        payload["result"] = result_payload(attempt)
    return payload


def result_payload(attempt: Attempt) -> dict:
    result = dict(attempt.result or {})
    result.update({"id": attempt.id, "status": "closed", "close_reason": attempt.close_reason,
                   "closed_at": iso(attempt.closed_at)})
    return result


def review_items(items: list[AttemptItem], answers: dict[int, AttemptAnswer]) -> list[dict]:
    """Per question, after closing: the learner's answer, the key, rationales, explanation, lesson."""
    out = []
    for item in items:
        content = item.version.content
        kind = question_type(content["type"])
        answer = answers[item.id].answer if item.id in answers else None
        options = {o["id"]: o for o in content["options"]}
        out.append({
            "item": item, "content": content, "answer": answer, "key": kind.key(content),
            "correct": bool(item.correct), "options": [options[i] for i in item.option_order],
            "choices": {c["id"]: c for c in content["choices"]},
            "flagged": answers[item.id].flagged if item.id in answers else False,
        })
    return out
