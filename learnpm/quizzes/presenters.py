"""What an attempt looks like to its learner: open (no key, opaque ids, a sealed break) and closed (feedback)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from learnpm.quizzes import clock
from learnpm.quizzes.models import Attempt, AttemptAnswer, AttemptItem
from learnpm.quizzes.types import question_type

CASE_FIELDS = ("id", "title", "html", "image", "image_alt", "index", "size")  # a scenario set's case, as shown
OPAQUE_ID_CHARS = 10  # 50 bits: collisions among a question's few ids are out of reach


def iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def opaque_ids(salt: str, question_key: str, content: dict) -> dict[str, str]:
    """Map each stored option and choice id of a question to the id its learner sees in this attempt.

    A keyed hash of the attempt's secret salt: the ids follow neither the options' order in the bank nor
    the key, differ from attempt to attempt, and cannot be turned back into the stored ids.
    """
    stored = [o["id"] for o in content["options"]] + [c["id"] for c in content.get("choices", [])]
    return {i: base64.b32encode(hmac.new(salt.encode(), f"{question_key}\x1f{i}".encode(), hashlib.sha256)
                                .digest()[:8]).decode().lower()[:OPAQUE_ID_CHARS] for i in stored}


def to_public(answer: object, content: dict, ids: dict[str, str]) -> object:
    """A stored answer in the ids the learner sees."""
    return None if answer is None else question_type(content["type"]).relabel(answer, ids)


def to_stored(answer: object, content: dict, ids: dict[str, str]) -> object:
    """An answer sent in the learner's ids, in stored ids; an id of another question or attempt becomes invalid."""
    return question_type(content["type"]).relabel(answer, {public: i for i, public in ids.items()})


def struck_public(struck: list | None, ids: dict[str, str]) -> list[str]:
    """The struck-out options in the ids the learner sees (an id no longer in the question is dropped)."""
    return [ids[i] for i in struck or () if i in ids]


def public_question(item: AttemptItem, salt: str) -> dict:
    """The question as the learner sees it while answering: nothing that reveals the key."""
    content = item.version.content
    ids = opaque_ids(salt, item.question_key, content)
    data = {"id": item.question_key, "type": content["type"], "stem": content["stem"],
            "stem_html": content["stem_html"], "position": item.position, "section": item.section}
    data.update(question_type(content["type"]).public(content, item.option_order, item.choice_order, ids))
    if content.get("case"):
        data["case"] = {k: content["case"].get(k) for k in CASE_FIELDS}
    return data


def visible_items(attempt: Attempt, items: list[AttemptItem], now: datetime) -> list[AttemptItem]:
    """The items the learner may see: during a break, nothing of a later section; after a final, nothing."""
    if attempt.status != "open":
        return [] if attempt.mode == "final" else items
    if clock.on_break(attempt.break_started_at, attempt.break_minutes, now, attempt.break_ended_at):
        return [item for item in items if item.section <= attempt.locked_section]
    return items


def attempt_clock(attempt: Attempt, now: datetime) -> dict:
    """The attempt's clock as its page and API show it: deadline, time left and the break, from the server."""
    is_open = attempt.status == "open"
    return {"deadline": iso(attempt.deadline), "server_time": iso(now),
            "seconds_left": clock.seconds_left(attempt.deadline, now) if is_open else None,
            "break_ends_at": iso(clock.break_ends_at(attempt.break_started_at, attempt.break_minutes,
                                                     attempt.break_ended_at)),
            "on_break": is_open and clock.on_break(attempt.break_started_at, attempt.break_minutes, now,
                                                   attempt.break_ended_at)}


def feedback_state(attempt: Attempt, items: list[AttemptItem], answers: dict[int, AttemptAnswer]) -> dict:
    """Tutor mode: the feedback of each question already checked, by question."""
    return {item.question_key: tutor_feedback(item, answers[item.id].answer, item.correct, attempt.salt)
            for item in items
            if item.correct is not None and item.id in answers and answers[item.id].answer is not None}


def attempt_payload(attempt: Attempt, items: list[AttemptItem], answers: dict[int, AttemptAnswer], now) -> dict:
    shown = visible_items(attempt, items, now)
    payload = {
        "id": attempt.id, "mode": attempt.mode, "status": "open" if attempt.status == "open" else "closed",
        **attempt_clock(attempt, now),
        "questions_total": len(items),
        "sections": max((item.section for item in items), default=1),
        "breaks": attempt.breaks or [],
        "break_minutes": attempt.break_minutes, "break_started_at": iso(attempt.break_started_at),
        "locked_section": attempt.locked_section,
        "questions": [public_question(item, attempt.salt) for item in shown],
        "answers": saved_state(shown_items(attempt, shown), answers),
    }
    if attempt.feedback == "immediate":
        payload["feedback"] = feedback_state(attempt, shown, answers)
    if attempt.status == "closed":
        payload["result"] = result_payload(attempt)
    return payload


@dataclass(frozen=True)
class ShownItem:
    """What turning an item's saved answer into the learner's ids needs, kept with an attempt's cached page."""

    question_key: str
    type: str
    ids: dict[str, str]


def shown_items(attempt: Attempt, items: list[AttemptItem]) -> dict[int, ShownItem]:
    return {item.id: ShownItem(item.question_key, item.version.content["type"],
                               opaque_ids(attempt.salt, item.question_key, item.version.content)) for item in items}


def saved_state(shown: dict[int, ShownItem], answers: dict[int, AttemptAnswer]) -> dict[str, dict]:
    """The learner's saved answers, flags and struck-out options by question, in the ids the page shows."""
    state = {}
    for item_id, saved in answers.items():
        item = shown.get(item_id)
        if item is not None:
            answer = None if saved.answer is None else question_type(item.type).relabel(saved.answer, item.ids)
            state[item.question_key] = {"answer": answer, "flagged": saved.flagged,
                                        "struck": struck_public(saved.struck, item.ids)}
    return state


def tutor_feedback(item, answer: object, correct: bool, salt: str) -> dict:
    """What tutor mode shows once a question is answered: right or wrong, the key, rationales, explanation, lesson."""
    content = item.version.content
    ids = opaque_ids(salt, item.question_key, content)
    kind = question_type(content["type"])
    lesson = item.question.lesson
    return {"question": item.question_key, "answer": to_public(answer, content, ids), "correct": bool(correct),
            "key": kind.relabel(kind.key(content), ids), "explanation": content["explanation"],
            "explanation_html": content["explanation_html"],
            "rationales": {ids[o["id"]]: o.get("rationale_html", "") for o in content["options"]},
            "lesson": None if lesson is None or lesson.retired or lesson.draft else
            {"course": lesson.course.slug, "slug": lesson.slug, "title": lesson.title}}


def result_payload(attempt: Attempt) -> dict:
    result = dict(attempt.result or {})
    result.update({"id": attempt.id, "status": "closed", "close_reason": attempt.close_reason,
                   "closed_at": iso(attempt.closed_at)})
    return result


def seconds_per_item(attempt: Attempt, items: list[AttemptItem], answers: dict[int, AttemptAnswer]) -> dict[int, int]:
    """Time spent per item, from the server's save times: from the previous save (or the start) to its own.

    No client clock is trusted. A break's minutes are not counted. An item never answered spent 0 s.
    """
    saved = sorted((a.saved_at, item_id) for item_id, a in answers.items())
    pause = (attempt.break_started_at, clock.break_ends_at(attempt.break_started_at, attempt.break_minutes,
                                                           attempt.break_ended_at))
    seconds, previous = {item.id: 0 for item in items}, attempt.created_at
    for moment, item_id in saved:
        spent = (moment - previous).total_seconds()
        if pause[0] and pause[1] and previous <= pause[0] and moment >= pause[1]:
            spent -= (pause[1] - pause[0]).total_seconds()
        seconds[item_id] = max(0, round(spent))
        previous = max(previous, moment)
    return seconds


def review_payload(attempt: Attempt, items: list[AttemptItem], answers: dict[int, AttemptAnswer],
                   lesson_url) -> dict:
    """The closed attempt's feedback for the API: answer, key and explanation per question, in the attempt's ids."""
    per_item = seconds_per_item(attempt, items, answers)
    questions = []
    for item in items:
        content = item.version.content
        ids = opaque_ids(attempt.salt, item.question_key, content)
        kind = question_type(content["type"])
        saved = answers.get(item.id)
        questions.append({
            "id": item.question_key, "type": content["type"], "position": item.position, "scored": item.scored,
            "answer": to_public(saved.answer if saved else None, content, ids),
            "flagged": bool(saved and saved.flagged), "correct": bool(item.correct),
            "key": kind.relabel(kind.key(content), ids), "explanation": content["explanation"],
            "lesson": lesson_url(item.question.lesson), "seconds": per_item[item.id],
        })
    return {"id": attempt.id, "mode": attempt.mode, "score_percent": attempt.score_percent,
            "seconds": sum(per_item.values()), "questions": questions}


RESULT_FILTERS = ("wrong", "flagged", "all")


def task_breakdown(items: list[AttemptItem]) -> list[dict]:
    """Right answers per domain and task among the scored items, in the order the tasks first appear."""
    rows: dict[tuple[str, str], dict] = {}
    for item in sorted(items, key=lambda i: (i.domain, i.question.task or "")):
        if not item.scored:
            continue
        row = rows.setdefault((item.domain, item.question.task or ""),
                              {"domain": item.domain, "task": item.question.task or "", "correct": 0, "total": 0})
        row["total"] += 1
        row["correct"] += bool(item.correct)
    return list(rows.values())


def duration(seconds: int) -> str:
    """Seconds as a learner reads them: '45 s', '3 min 05 s', '1 h 02 min'."""
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def review_items(items: list[AttemptItem], answers: dict[int, AttemptAnswer],
                 seconds: dict[int, int] | None = None) -> list[dict]:
    """Per question, after closing: the learner's answer, the key, rationales, explanation, lesson, time spent."""
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
            "seconds": (seconds or {}).get(item.id, 0),
        })
    return out
