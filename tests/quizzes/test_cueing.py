"""The cueing check: a key that stands out by its length is a warning; a bank where it usually does fails."""

from pathlib import Path

from learnpm.lessons.lint import check_content
from learnpm.quizzes import cueing
from learnpm.quizzes.bankfile import parse_bank

FRONT = "---\ntitle: Cues\nprogram: mini\ncourse: mini-course\n---\n\n"


def single(qid: str, key: str, distractors: list[str], pool: str = "exam") -> str:
    options = "".join(f"- [ ] {d}\n  Wrong.\n" for d in distractors) + f"- [x] {key}\n  Right.\n"
    return (f"## {qid}\n\ntype: single\ndomain: alpha\ntask: \"1.1\"\ndifficulty: easy\nlesson: intro\npool: {pool}\n\n"
            f"Which one?\n\n{options}\nExplanation: Because.\n\n")


def multiple(qid: str, right: list[str], wrong: list[str]) -> str:
    options = "".join(f"- [x] {r}\n  Right.\n" for r in right) + "".join(f"- [ ] {w}\n  Wrong.\n" for w in wrong)
    return (f"## {qid}\n\ntype: multiple\ndomain: alpha\ntask: \"1.1\"\ndifficulty: easy\nlesson: intro\n\n"
            f"Which two? (Choose two.)\n\n{options}\nExplanation: Because.\n\n")


def parsed(text: str):
    return parse_bank(FRONT + text, "bank.md").questions


def test_a_key_much_longer_than_every_distractor_is_a_cue():
    long_key = parsed(single("q1", "A much longer and carefully qualified right answer", ["Short", "Brief one"]))[0]
    assert [c.message for c in cueing.question_cues(long_key)] == [
        "the key of 'q1' is 5.6 times as long as the longest distractor (50 and 9 characters): length gives it away"]
    just_longest = parsed(single("q2", "Right answer here", ["Wrong answer one", "Wrong two"]))[0]
    assert cueing.key_strictly_longest(just_longest.options) and cueing.question_cues(just_longest) == []
    tied = parsed(single("q3", "Same length", ["Same lengtH", "Other"]))[0]
    assert not cueing.key_strictly_longest(tied.options)


def test_right_options_that_are_exactly_the_longest_are_a_cue():
    cued = parsed(multiple("m1", ["The first long right option", "The second long right one"], ["No", "Nope"]))[0]
    assert cueing.question_cues(cued)[0].message == \
        "the right options of 'm1' are exactly its 2 longest: length gives them away"
    mixed = parsed(multiple("m2", ["Short right", "The second long right one"], ["A much longer wrong option", "No"]))
    assert cueing.question_cues(mixed[0]) == []


def test_the_share_counts_single_answer_exam_and_final_items_only():
    bank = parsed(single("a", "Longest option of all", ["Short", "Tiny"]) + single("b", "Key", ["Longer one", "Two"])
                  + single("c", "Longest option of all", ["Short", "Tiny"], pool="extra")
                  + single("d", "Key", ["Longer one", "Two"], pool="final"))
    assert cueing.key_longest_share(bank) == 1 / 3  # a, b, d; the extra item does not count


def test_a_bank_whose_key_is_usually_the_longest_fails_the_check(quiz_content: Path):
    bank = quiz_content / "questions/cued.md"
    def write(cued: int, plain: int) -> list:
        bank.write_text(FRONT + "".join(single(f"cue-{i}", "The right answer, longer", ["Wrong answer", "Also wrong"])
                                        for i in range(cued))
                        + "".join(single(f"plain-{i}", "Right", ["A longer wrong answer", "Wrong"])
                                  for i in range(plain)))
        _tree, problems = check_content(quiz_content)
        return [(p.line, p.message) for p in problems if p.path.endswith("cued.md") and p.severity == "error"]

    assert write(16, 4) == [(1, (
        "the key is strictly the longest option in 80% of the bank's 20 single-answer exam and final questions "
        "(at most 35% allowed): always picking the longest option must not pay"))]
    assert write(7, 13) == []  # 35 %: at the limit
    assert write(4, 1) == []   # too few items for a share to mean anything (each still gets its own warning)
