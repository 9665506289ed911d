"""Which bank question an imported question is: its key, from its title or fingerprint, never its line.

`assign_keys` returns each question's key in the bank: an exported question's key (its title), the bank slug
and the question's id (interchange.assign_ids), or the key an earlier GIFT import gave its title. Among
questions sharing a title or fingerprint, one that says exactly what a bank question says takes that
question's key, so reordering them changes nothing; a question the bank knows under no key takes the key of a
bank question that says exactly the same (line-number keys of imports before this rule, a renamed title).
"""

from __future__ import annotations

import json
import re

from learnpm.quizzes.bankfile import ParsedQuestion
from learnpm.quizzes.bankimport import version_content
from learnpm.quizzes.interchange import _slug, identity_base
from learnpm.quizzes.models import Question

KEY_LIMIT = 120  # Question.key


def source_json(content: dict) -> str:
    """Return a version's content without its rendered HTML, as text to compare."""
    return json.dumps(_source(content), sort_keys=True, default=str)


def question_json(question: ParsedQuestion) -> str:
    """Return what a parsed question's version would store, without HTML, as text to compare."""
    return source_json(version_content(question, str))


def _source(content: dict) -> dict:
    """Return a stored version's content without its rendered HTML, to compare with a planned one."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not k.endswith("html")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(content)


def _identity(question: ParsedQuestion, bank: str, taken: dict[str, Question]) -> str:
    """Return the question's key in the bank: an exported key, the bank-prefixed id, or an earlier import's key."""
    primary = question.id if question.id.startswith(f"{bank}-") else f"{bank}-{question.id}"
    candidates = [question.title.strip(), question.id, primary]
    if question.title:
        candidates.append(f"{bank}-gift-{_slug(question.title)}")  # the key an earlier GIFT import gave it
    found = next((key for key in candidates if key in taken), None)
    return found or primary[:KEY_LIMIT]


def assign_keys(questions: list[ParsedQuestion], bank: str, rows: dict[str, Question],
                current: dict[int, dict]) -> dict[int, str]:
    """Return each question's key (by line); among questions sharing a title or fingerprint, one that says
    exactly what a bank question says gets that question's key, so reordering them changes nothing."""
    keys = {q.line: _identity(q, bank, rows) for q in questions}
    groups: dict[str, list[ParsedQuestion]] = {}
    for question in questions:
        groups.setdefault(identity_base(question), []).append(question)
    for base, group in groups.items():
        if len(group) < 2:
            continue
        pattern = re.compile(re.escape(f"{bank}-{base}") + r"(?:-\d+)?")
        stored = {source_json(current[row.id]): key
                  for key, row in rows.items() if pattern.fullmatch(key) and row.id in current}
        matched: dict[int, str] = {}
        for question in group:
            key = stored.get(question_json(question))
            if key and key not in matched.values():
                matched[question.line] = key
        used = set(matched.values())
        for question in group:  # the others, in file order: their own key if free, else the next free one
            key, number = matched.get(question.line, keys[question.line]), 2
            while question.line not in matched and key in used:
                key, number = f"{bank}-{base}-{number}", number + 1
            keys[question.line] = key
            used.add(key)
    _match_by_content(questions, rows, current, keys)
    return keys


def _match_by_content(questions: list[ParsedQuestion], rows: dict[str, Question], current: dict[int, dict],
                      keys: dict[int, str]) -> None:
    """Give a question the bank finds under no key the key of a bank question that says exactly the same.

    This keeps questions imported before identities were titles and fingerprints (keyed by line number then,
    `bank-gift-12`, `bank-aiken-3`) and questions whose title alone was renamed, with their history.
    """
    loose = [q for q in questions if keys[q.line] not in rows]
    if not loose or not rows:
        return
    taken = {key for key in keys.values() if key in rows}
    by_content = {source_json(current[row.id]): key
                  for key, row in rows.items() if row.id in current and key not in taken}
    for question in loose:
        key = by_content.pop(question_json(question), None)
        if key:
            keys[question.line] = key


