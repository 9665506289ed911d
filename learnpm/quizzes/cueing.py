"""Test-wise cues in a bank (pure): a key that stands out by its length gives itself away."""

from __future__ import annotations

from dataclasses import dataclass

WIDE_MARGIN = 1.3        # a key this many times the longest distractor is a warning
MAX_LONGEST_SHARE = 0.35  # a bank whose keys are strictly longest more often than this fails ...
MIN_SINGLES_FOR_SHARE = 20  # ... once it has this many single-answer items: a share of three items says nothing
SCORED_POOLS = ("exam", "final")


@dataclass(frozen=True)
class Cue:
    question_id: str
    line: int
    message: str


def key_strictly_longest(options) -> bool:
    """Tell whether a single-answer question's one right option is longer than every other."""
    right = [len(o.text) for o in options if o.correct]
    wrong = [len(o.text) for o in options if not o.correct]
    return len(right) == 1 and bool(wrong) and right[0] > max(wrong)


def right_are_longest(options) -> bool:
    """Tell whether a multiple-response question's right options are exactly its longest ones."""
    right = [len(o.text) for o in options if o.correct]
    wrong = [len(o.text) for o in options if not o.correct]
    return bool(right) and bool(wrong) and min(right) > max(wrong)


def question_cues(question) -> list[Cue]:
    """Return the length cues of one parsed question (single and multiple response)."""
    options = question.options
    if question.type == "single" and key_strictly_longest(options):
        key = next(len(o.text) for o in options if o.correct)
        longest_wrong = max(len(o.text) for o in options if not o.correct)
        if key >= WIDE_MARGIN * longest_wrong:
            return [Cue(question.id, question.line,
                        f"the key of {question.id!r} is {key / longest_wrong:.1f} times as long as the longest "
                        f"distractor ({key} and {longest_wrong} characters): length gives it away")]
    if question.type == "multiple" and right_are_longest(options):
        return [Cue(question.id, question.line,
                    f"the right options of {question.id!r} are exactly its {sum(o.correct for o in options)} "
                    "longest: length gives them away")]
    return []


def single_scored(questions) -> list:
    """The single-answer questions of the scored pools (those key_longest_share is taken over)."""
    return [q for q in questions if q.type == "single" and q.pool in SCORED_POOLS]


def key_longest_share(questions) -> float | None:
    """Return the share of single-answer exam and final questions whose key is strictly the longest."""
    singles = single_scored(questions)
    if not singles:
        return None
    return sum(key_strictly_longest(q.options) for q in singles) / len(singles)
