"""Write stored questions back in the Markdown bank format that bankfile.parse_bank reads (pure)."""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass
class StoredQuestion:
    """What a bank file says about one question: its row's fields and its current version's content."""

    key: str
    type: str
    domain: str
    task: str | None
    difficulty: str
    lesson: str | None  # "course/slug" or None
    check: bool
    pool: str
    content: dict


def _number(value: float) -> str:
    return f"{value:g}"


def question_body(content: dict) -> str:
    """The part of a question after its header: stem, options or answers, explanation."""
    lines = [content["stem"].strip(), ""]
    kind = content["type"]
    if kind == "matching":
        lefts = {o["match"]: o for o in content["options"]}
        for choice in content["choices"]:
            left = lefts.get(choice["id"])
            lines.append(f"- {left['text'] if left else ''} => {choice['text']}".replace("-  =>", "- =>"))
            rationale = left.get("rationale") if left else choice.get("rationale")
            if rationale:
                lines.append(f"  {rationale}")
    elif kind == "fill_in":
        lines.append("answer: " + " | ".join(content["answers"]))
    else:
        for option in content["options"]:
            text = option["text"]
            if kind == "hotspot" and option.get("region"):
                region = option["region"]
                text += " {" + " ".join(f"{k}={_number(region[k])}" for k in ("x", "y", "w", "h")) + "}"
            lines.append(f"- [{'x' if option['correct'] else ' '}] {text}")
            if option.get("rationale"):
                lines.append(f"  {option['rationale']}")
    lines += ["", f"Explanation: {content['explanation'].strip()}"]
    return "\n".join(lines).strip() + "\n"


def _task(task: str) -> str:
    return f'"{task}"'


def question_header(q: StoredQuestion) -> list[str]:
    header = [f"type: {q.type}", f"domain: {q.domain}"]
    if q.task:
        header.append(f"task: {_task(q.task)}")
    header.append(f"difficulty: {q.difficulty}")
    if q.lesson:
        header.append(f"lesson: {q.lesson}")
    if q.check:
        header.append("check: true")
    if q.pool != "exam":
        header.append(f"pool: {q.pool}")
    if q.content.get("image"):
        header.append(f"image: {q.content['image']}")
    if q.content.get("case"):
        header.append(f"set: {q.content['case']['id']}")
    return header


def question_text(q: StoredQuestion) -> str:
    """One `## key` block."""
    return "\n".join([f"## {q.key}", "", *question_header(q), "", question_body(q.content)])


def _case_text(case: dict) -> str:
    lines = [f"## case: {case['id']}", "", f"title: {case['title']}"]
    if case.get("image"):
        lines.append(f"image: {case['image']}")
    if case.get("image_alt"):
        lines.append(f"alt: {case['image_alt']}")
    return "\n".join([*lines, "", case["text"].strip(), ""])


def bank_text(title: str, program: str, course: str | None, questions: list[StoredQuestion]) -> str:
    """A whole bank file; a scenario set's case is written once, before its first question."""
    meta = {"title": title, "program": program, **({"course": course} if course else {})}
    blocks = ["---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n"]
    written: set[str] = set()
    for q in questions:
        case = q.content.get("case")
        if case and case["id"] not in written:
            written.add(case["id"])
            blocks.append(_case_text(case))
        blocks.append(question_text(q))
    return "\n".join(blocks)
