"""Moodle interchange: GIFT and Aiken import into bank questions, and GIFT export that reads back the same."""

import dataclasses
import random
from pathlib import Path

import pytest

from learnpm.quizzes.bankfile import Option, ParsedQuestion, parse_bank
from learnpm.quizzes.interchange import MAX_BYTES, fingerprint, parse_aiken, parse_gift, to_gift
from tests.quizzes.test_bankfile import FILL_IN, FRONT, MATCHING, MULTIPLE, SINGLE

EVERY = Path(__file__).parent / "data" / "every_feature.gift"
KEYS = frozenset({"fundamentals", "agile", "people"})


def every(default_domain: str | None = "people"):
    """Parse the every-feature GIFT file."""
    return parse_gift(EVERY.read_text(encoding="utf-8"), "every_feature.gift",
                      default_domain=default_domain, domain_keys={"fundamentals", "agile"})


def gift(text: str, **kwargs):
    """Parse GIFT text with a default domain unless told otherwise."""
    kwargs.setdefault("default_domain", "fundamentals")
    return parse_gift(text, "t.gift", **kwargs)


def reported(problems) -> list[tuple[int, str, str]]:
    """Return (line, severity, message) of each problem."""
    return [(p.line, p.severity, p.message) for p in problems]


def opts(question) -> list[tuple[str, str, bool, str]]:
    """Return (id, text, correct, rationale) of each option."""
    return [(o.id, o.text, o.correct, o.rationale) for o in question.options]


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of the first line of `text` that contains `needle`."""
    return next(number for number, line in enumerate(text.split("\n"), start=1) if needle in line)


def same(question) -> ParsedQuestion:
    """Return a copy of a question with its line, title and dropped weights cleared, for comparisons across files."""
    return dataclasses.replace(question, line=0, title="", dropped=[], category=None)


def at(questions, line: int):
    """Return the question that starts at a line."""
    return next(q for q in questions if q.line == line)


# The every-feature file ------------------------------------------------------------------------

def test_every_feature_questions_kept_in_order_with_ids_lines_types_and_domains():
    questions, _ = every()
    assert [(q.id, q.line, q.type, q.domain) for q in questions] == [
        (f"q-{fingerprint(questions[0])}", 4, "single", "people"),  # untitled, before any $CATEGORY: a fingerprint id
        ("project-or-operations", 8, "single", "fundamentals"),
        ("two-constraints", 16, "multiple", "fundamentals"),
        ("charter-signs", 24, "single", "fundamentals"),
        ("gantt", 26, "single", "fundamentals"),
        ("temporary", 28, "single", "fundamentals"),
        ("operations-end", 30, "single", "fundamentals"),
        ("scrum-roles", 34, "matching", "agile"),  # category 'Agile' matches the key 'agile'
        ("charter", 41, "fill_in", "agile"),
        ("blank", 43, "single", "agile"),
        ("multi-line", 45, "single", "agile"),
        ("escapes", 49, "single", "agile"),
        ("escapes-2", 51, "single", "agile"),  # same title: suffixed
        (f"q-{fingerprint(questions[-1])}", 61, "single", "people"),  # 'Misc' is not a domain key: the default
    ]
    for q in questions:
        assert (q.task, q.difficulty, q.lesson, q.check, q.fields, q.image) == (None, "medium", None, False, {}, None)


def test_every_feature_multiple_choice_feedback_and_general_feedback():
    q = {q.id: q for q in every()[0]}
    first = at(q.values(), 4)
    assert first.stem == "Who authorizes a project?"
    assert opts(first) == [("a", "The sponsor", True, "The sponsor issues the charter."),
                           ("b", "The team", False, "The team executes the work.")]
    assert first.explanation == ""
    po = q["project-or-operations"]
    assert po.stem == "Which one is a **project**?"  # the [markdown] prefix is stripped
    assert opts(po) == [("a", "Building a patient portal", True, "Temporary and unique."),
                        ("b", "Running the service desk", False, "Ongoing operations."),
                        ("c", "Applying monthly patches", False, "")]
    assert po.explanation == "A project is temporary and creates a unique result."
    assert (po.choices, po.answers) == ([], [])


def test_every_feature_weighted_multiple_answers():
    q = {q.id: q for q in every()[0]}["two-constraints"]
    assert q.stem == "Which two are constraints? (Choose two.)"
    assert opts(q) == [("a", "Scope", True, "A classic constraint."),
                       ("b", "Schedule", True, "Also a constraint."),
                       ("c", "Lessons learned", False, "An organizational asset."),
                       ("d", "Templates", False, "")]
    assert q.explanation == "Scope, schedule and cost are the classic constraints."


def test_every_feature_true_false_with_wrong_then_right_feedback():
    q = {q.id: q for q in every()[0]}
    assert opts(q["charter-signs"]) == [("a", "True", True, ""), ("b", "False", False, "")]
    # {FALSE#shown for the wrong answer#shown for the right answer}
    assert opts(q["gantt"]) == [("a", "True", False, "It also shows durations."),
                                     ("b", "False", True, "Right: it shows bars over time.")]
    assert opts(q["temporary"]) == [("a", "True", True, "Yes."), ("b", "False", False, "No: every project ends.")]
    assert q["temporary"].explanation == "Temporary means a definite end."
    assert opts(q["operations-end"]) == [("a", "True", False, ""), ("b", "False", True, "")]


def test_every_feature_matching_pairs_and_distractor():
    q = {q.id: q for q in every()[0]}["scrum-roles"]
    assert q.stem == "Match each Scrum role to its accountability."
    assert q.options == [Option("a", "Product Owner", True, "", match="r1"),
                         Option("b", "Scrum Master", True, "", match="r2"),
                         Option("c", "Developers", True, "", match="r3")]
    assert q.choices == [Option("r1", "Maximizing value", True, ""),
                         Option("r2", "Team effectiveness", True, ""),
                         Option("r3", "Creating the increment", True, ""),
                         Option("r4", "Signing the contract", False, "")]


def test_every_feature_short_answer_blank_multiline_and_escapes():
    q = {q.id: q for q in every()[0]}
    charter = q["charter"]
    assert (charter.stem, charter.answers, charter.options) == (
        "The document that authorizes a project is the project ______.", ["charter", "project charter"], [])
    assert q["blank"].stem == "The _____ path has zero total float."
    assert opts(q["blank"]) == [("a", "critical", True, ""), ("b", "noncritical", False, "It has float.")]
    assert q["multi-line"].stem == "This stem\nruns over two lines."
    escapes = q["escapes"]
    assert escapes.stem == "Costs {fixed} ~ 50 = half: really #1\nsecond line"  # [html] stripped, \n a newline
    assert opts(escapes) == [("a", "a = b # c", True, "fb : d"), ("b", "{x}", False, "")]
    assert q["escapes-2"].stem == "Same title again."  # [moodle] stripped


def test_every_feature_reports_exactly_the_items_it_cannot_import():
    _, problems = every()
    assert reported(problems) == [
        (55, "error", "numerical question '::Numeric::How many days are in a week?{#7}' ('{#7}') is not supported; "
                      "not imported"),
        (57, "error", "essay question '::Essay::Describe your last project.{}' (an empty answer block) is not "
                      "supported; not imported"),
        (59, "error", "description item '::Intro::This text introduces the next questions.' has no answer block "
                      "{...}; not imported"),
    ]


def test_questions_without_a_domain_are_kept_and_reported_each():
    questions, problems = every(default_domain=None)
    assert len(questions) == 14
    assert [at(questions, 4).domain, at(questions, 61).domain] == [None, None]
    missing = [(line, message) for line, _, message in reported(problems) if "has no domain" in message]
    assert missing == [
        (4, f"question '{at(questions, 4).id}' has no domain: no $CATEGORY and no default domain is set"),
        (61, f"question '{at(questions, 61).id}' has no domain: category '$course$/top/Misc' does not end in a "
             "domain key and no default domain is set"),
    ]


# Smaller GIFT rules ----------------------------------------------------------------------------

def test_lowercase_true_false_backslash_escapes_and_unknown_escapes():
    questions, problems = gift(r"A path \\n is C\:\\temp and \d stays.{true#wrong}")
    assert problems == []
    [q] = questions
    assert q.stem == r"A path \n is C:\temp and \d stays."
    assert opts(q) == [("a", "True", True, ""), ("b", "False", False, "wrong")]


def test_crlf_bom_titles_slugged_and_ids_unique():
    text = "\ufeff::Café, Über & more!::Q?{T}\r\n\r\n::Café über more::Q?{F}\r\n\r\n::!!!::Q?{T}\r\n\r\n::gift-5::Q?{T}"
    questions, problems = gift(text)
    assert problems == []
    assert [(q.id, q.line) for q in questions] == [
        ("cafe-uber-more", 1), ("cafe-uber-more-2", 3), (f"q-{fingerprint(questions[2])}", 5), ("gift-5", 7)]


def test_long_title_id_stays_within_64_characters():
    questions, _ = gift(f"::{'word ' * 40}::Q?{{T}}\n\n::{'word ' * 40}::Q?{{T}}")
    assert [len(q.id) for q in questions] == [56, 58]
    assert questions[1].id == questions[0].id + "-2"


def test_category_applies_until_the_next_one():
    text = "$CATEGORY: a/agile\nQ1{T}\n\nQ2{T}\n$CATEGORY: fundamentals\nQ3{T}\n\n$CATEGORY: $course$/top\nQ4{T}"
    questions, problems = gift(text, domain_keys=KEYS, default_domain="people")
    assert problems == []
    assert [(q.category, q.domain) for q in questions] == [
        ("a/agile", "agile"), ("a/agile", "agile"), ("fundamentals", "fundamentals"), ("$course$/top", "people")]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("::T::Q {=a ~b", 4, "'::T::Q {=a ~b' has unbalanced braces (1 '{' and 0 '}') (write a literal brace as \\{); "
                        "not imported"),
    ("Q =a ~b}", 4, "'Q =a ~b}' has unbalanced braces (0 '{' and 1 '}') (write a literal brace as \\{); not imported"),
    ("Q }=a{", 4, "'Q }=a{' has unbalanced braces (1 '{' and 1 '}') (write a literal brace as \\{); not imported"),
    ("Q {=a ~b} and {=c ~d}", 4, "'Q {=a ~b} and {=c ~d}' has 2 answer blocks; GIFT allows one (write a literal "
                                 "brace as \\{); not imported"),
    ("::Open title Q{T}", 4, "the title of '::Open title Q{T}' is not closed with '::'; not imported"),
    ("Q {~a ~b}", 4, "multiple choice 'Q {~a ~b}' has no right answer (mark one with '=' or give positive "
                     "weights); not imported"),
    ("Q {~%0%a ~%-50%b}", 4, "multiple choice 'Q {~%0%a ~%-50%b}' has no right answer (mark one with '=' or give "
                             "positive weights); not imported"),
    ("Q {=a =b ~c}", 4, "multiple choice 'Q {=a =b ~c}' has 2 right answers marked '='; use weights such as ~%50% "
                        "for several right answers; not imported"),
    ("Q {~%abc%a ~b}", 4, "bad weight in answer '~%abc%a' of 'Q {~%abc%a ~b}'; not imported"),
    ("Q {~%150%a ~b}", 4, "bad weight in answer '~%150%a' of 'Q {~%150%a ~b}'; not imported"),
    ("Q {~%50a ~b}", 4, "bad weight in answer '~%50a' of 'Q {~%50a ~b}'; not imported"),
    ("Q {=a ~}", 4, "empty answer '~' of 'Q {=a ~}'; not imported"),
    ("Q {=}", 4, "empty answer '=' of 'Q {=}'; not imported"),
    ("Q {=a -> 1 =b}", 4, "matching answer '=b' of 'Q {=a -> 1 =b}' needs 'left -> right'; not imported"),
    ("Q {=a -> }", 4, "matching answer '=a ->' of 'Q {=a -> }' needs 'left -> right'; not imported"),
    ("Q\n{#1..5}", 4, "numerical question 'Q {#1..5}' ('{#1..5}') is not supported; not imported"),
    ("Q {####only general feedback}", 4, "essay question 'Q {####only general feedback}' (an empty answer block) is "
                                         "not supported; not imported"),
])
def test_broken_or_unsupported_items_are_reported_at_their_line_and_left_out(text, line, message):
    questions, problems = gift(f"// before\nFirst {{T}}\n\n{text}\n\nLast {{F}}")
    assert [q.stem for q in questions] == ["First", "Last"]
    assert reported(problems) == [(line, "error", message)]


def test_broken_item_lines():
    text = "Good {T}\n\n// comment\n::Bad::\nsecond line {~a ~b}\n\nStray }\n\nGood again {F}"
    questions, problems = gift(text)
    assert [q.line for q in questions] == [1, 9]
    assert [(p.line, p.severity) for p in problems] == [(4, "error"), (7, "error")]
    assert "has no right answer" in problems[0].message and "has unbalanced braces" in problems[1].message


def test_kept_with_problems_weights_partial_credit_feedback_and_empty_stem():
    questions, problems = gift("Q {~%60%a ~%60%b ~c}\n\nP {=a ~%50%b ~c}\n\nS {=four#Right =%50%for}\n\n{=x ~y}")
    assert [(q.line, q.type) for q in questions] == [(1, "multiple"), (3, "single"), (5, "fill_in"), (7, "single")]
    assert [q.dropped for q in questions] == [["60% on 'a'", "60% on 'b'"], ["50% on 'b'"], ["50% on 'for'"], []]
    assert [o.correct for o in questions[0].options] == [True, True, False]
    assert [o.correct for o in questions[1].options] == [True, False, False]
    assert questions[2].answers == ["four"]
    assert questions[3].stem == ""
    assert reported(problems) == [
        (1, "error", "the positive weights of 'Q {~%60%a ~%60%b ~c}' add up to 120%, not 100%"),
        (3, "warning", "partial credit 50% for 'b' of 'P {=a ~%50%b ~c}' is not kept: it is imported as a wrong "
                       "option"),
        (5, "warning", "feedback 'Right' on short answer 'four' of 'S {=four#Right =%50%for}' is not kept (fill_in "
                       "answers have none)"),
        (5, "warning", "partial-credit answer 'for' (50%) of 'S {=four#Right =%50%for}' is not kept (fill_in "
                       "answers are right or wrong)"),
        (7, "error", "question '{=x ~y}' has no question text"),
    ]


def test_short_answer_with_only_partial_credit_is_left_out():
    questions, problems = gift("Q {=%50%half}")
    assert questions == []
    assert reported(problems) == [
        (1, "warning", "partial-credit answer 'half' (50%) of 'Q {=%50%half}' is not kept (fill_in answers are right "
                       "or wrong)"),
        (1, "error", "short answer 'Q {=%50%half}' has no answer worth 100%; not imported"),
    ]


def test_weights_of_a_third_add_up_and_matching_shares_a_repeated_right_item():
    questions, problems = gift("Q {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}\n\n"
                               "M {=cat -> mammal =dog -> mammal =eagle -> bird}")
    assert problems == []
    assert [o.correct for o in questions[0].options] == [True, True, True, False]
    assert [(o.text, o.match) for o in questions[1].options] == [("cat", "r1"), ("dog", "r1"), ("eagle", "r2")]
    assert [c.text for c in questions[1].choices] == ["mammal", "bird"]


# Robustness -------------------------------------------------------------------------------------

def test_file_over_the_limit_is_refused_with_one_problem():
    text = "Q {T}\n\n" * (MAX_BYTES // 7 + 1)
    for parse in (parse_gift, parse_aiken):
        questions, problems = parse(text, "big.txt")
        assert questions == []
        assert reported(problems) == [(1, "error", f"file is {len(text):,} bytes; the limit for an import is "
                                                   f"{MAX_BYTES:,}")]


def test_file_of_exactly_the_limit_is_read():
    text = "::Big::" + "x" * (MAX_BYTES - len("::Big::{T}")) + "{T}"
    questions, problems = gift(text)
    assert problems == []
    assert [(q.id, len(q.stem)) for q in questions] == [("big", MAX_BYTES - 10)]


def test_nul_bytes_are_refused():
    for parse in (parse_gift, parse_aiken):
        assert reported(parse("Q {T}\x00", "bin")[1]) == [
            (1, "error", "file contains NUL bytes: it is binary data, not a question file")]


def test_many_questions_with_one_title_get_unique_ids():
    text = "\n\n".join(f"::Same::Question {n}?{{=right ~wrong}}" for n in range(20_000))
    assert len(text.encode()) < MAX_BYTES
    questions, problems = gift(text)
    assert problems == []
    assert len(questions) == 20_000
    assert [q.id for q in questions[:3]] + [questions[-1].id] == [
        "same", "same-2", "same-3", "same-20000"]
    assert len({q.id for q in questions}) == 20_000


@pytest.mark.parametrize("text", [
    "{" * 2_000_000, "}" * 2_000_000, "\\" * 2_000_001, "::" * 1_000_000, "{" + "=~" * 1_000_000 + "}",
    "{" + "%" * 2_000_000 + "}", "{=" + "->" * 1_000_000 + "}", "\n" * 2_000_000, "#" * 2_000_000,
    "{" + "~%" + "1" * 2_000_000 + "}", "A. " * 1_000_000, "ANSWER:" * 500_000,
])
def test_pathological_input_does_not_raise(text):
    for parse in (parse_gift, parse_aiken):
        questions, problems = parse(text, "p")
        assert all(p.line >= 1 for p in problems)
        assert len(questions) <= 1


def test_random_input_never_raises_and_lines_are_in_range():
    rng = random.Random(20240611)
    alphabet = list("{}=~#%:->\\n\t TF.[]$/ab1") + ["\n", "\n\n", "//", "::", "$CATEGORY:", "####", "[html]", "A. ",
                                                    "ANSWER: A", "->", "\ue001", "\ud800"]
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(120)))
        last = text.count("\n") + 1
        for parse in (parse_gift, parse_aiken):
            questions, problems = parse(text, "r")
            assert all(1 <= p.line <= last for p in problems), text
            assert all(1 <= q.line <= last and q.type in ("single", "multiple", "matching", "fill_in")
                       for q in questions), text
        to_gift(parse_gift(text, "r")[0])


def test_private_use_placeholders_in_the_source_cannot_fake_escapes():
    questions, _ = gift("A \ue001 B {T}")
    assert questions[0].stem == "A \ufffd B"


# Aiken ------------------------------------------------------------------------------------------

AIKEN = """What is a project?
A. An ongoing operation
B. A temporary endeavor
C) A portfolio
ANSWER: B

A. Lincoln wrote which speech?
Pick one.
A) The Gettysburg Address
B) The Federalist Papers
answer: a
"""


def test_aiken_questions():
    questions, problems = parse_aiken(AIKEN, "a.txt", default_domain="fundamentals")
    assert problems == []
    assert [(q.id, q.line, q.type, q.domain, q.difficulty, q.stem) for q in questions] == [
        (f"q-{fingerprint(questions[0])}", 1, "single", "fundamentals", "medium", "What is a project?"),
        (f"q-{fingerprint(questions[1])}", 7, "single", "fundamentals", "medium",
         "A. Lincoln wrote which speech?\nPick one."),
    ]
    assert opts(questions[0]) == [("a", "An ongoing operation", False, ""), ("b", "A temporary endeavor", True, ""),
                                  ("c", "A portfolio", False, "")]
    assert opts(questions[1]) == [("a", "The Gettysburg Address", True, ""), ("b", "The Federalist Papers", False, "")]


def test_aiken_malformed_items_are_reported_by_line():
    text = ("ANSWER: A\n\n"
            "No answer line\nA. one\nB. two\n\n"
            "Wrong letter\nA. one\nB. two\nANSWER: C\n\n"
            "One option\nA. only\nANSWER: A\n\n"
            "Twice\nA. one\nA. again\nANSWER: A\n\n"
            "Good\nA. yes\nB. no\nANSWER: A\n\n"
            "Trailing question\nA. one")
    questions, problems = parse_aiken(text, "a.txt")
    assert [q.line for q in questions] == [21]
    assert reported(problems) == [
        (1, "error", "'ANSWER: A' has no question before it; ignored"),
        (3, "error", "question 'No answer line' has no 'ANSWER:' line; not imported"),
        (7, "error", "question 'Wrong letter': 'ANSWER: C' is not one of the options A, B; not imported"),
        (12, "error", "question 'One option': it has 1 options, not 2 or more; not imported"),
        (16, "error", "question 'Twice': option A appears twice; not imported"),
        (21, "error", f"question '{questions[0].id}' has no domain: no default domain is set"),
        (26, "error", "question 'Trailing question' has no 'ANSWER:' line; not imported"),
    ]


# GIFT export ------------------------------------------------------------------------------------

def test_to_gift_writes_categories_titles_weights_feedback_and_explanations():
    questions = [
        ParsedQuestion("fund-001", 7, "single", "fundamentals", "1.1", "easy", None, True, "Pick {one}: a=b",
                       [Option("a", "Right #1", True, "Because."), Option("b", "Wrong", False, "")], [], [],
                       "Line one\nline two"),
        ParsedQuestion("agile-2", 9, "multiple", "agile", None, "hard", None, False, "Pick three.",
                       [Option(c, c.upper(), c != "d", "") for c in "abcd"], [], [], ""),
        ParsedQuestion("spot-1", 12, "hotspot", "agile", None, "hard", None, False, "Click.", [], [], [], ""),
    ]
    assert to_gift(questions) == (
        "$CATEGORY: fundamentals\n\n"
        "::fund-001::[markdown]Pick \\{one\\}\\: a\\=b {\n"
        "\t=Right \\#1 #Because.\n"
        "\t~Wrong\n"
        "\t####Line one\\nline two\n"
        "}\n\n"
        "$CATEGORY: agile\n\n"
        "::agile-2::[markdown]Pick three. {\n"
        "\t~%33.33333%A\n\t~%33.33333%B\n\t~%33.33333%C\n\t~%-100%D\n"
        "}\n\n"
        "// hotspot question spot-1 cannot be written as GIFT\n"
    )
    back, problems = parse_gift(to_gift(questions), "out.gift", domain_keys=KEYS)
    assert problems == []
    assert [(q.id, q.domain, q.stem, q.explanation) for q in back] == [
        ("fund-001", "fundamentals", "Pick {one}: a=b", "Line one\nline two"),
        ("agile-2", "agile", "Pick three.", "")]
    assert opts(back[0]) == [("a", "Right #1", True, "Because."), ("b", "Wrong", False, "")]


def test_round_trip_of_the_every_feature_file():
    questions, _ = every()
    text = to_gift(questions)
    back, problems = parse_gift(text, "again.gift", domain_keys=KEYS, default_domain="people")
    assert problems == []
    assert [same(q) for q in back] == [same(q) for q in questions]
    # each category path is written back; a question without one is written under its domain
    assert [q.category for q in back] == [q.category or q.domain for q in questions]
    assert to_gift(back) == text


def test_round_trip_of_awkward_text():
    odd = "C:\\new\\table \\n {x} ~y =z #w\nnext line"
    questions = [
        ParsedQuestion("gift-odd", 1, "single", "agile", None, "medium", None, False, odd,
                       [Option("a", "%50% of it", True, "[html] is literal"), Option("b", "[plain] text", False, odd)],
                       [], [], "####"),
        ParsedQuestion("gift-fill", 1, "fill_in", "agile", None, "medium", None, False,
                       "The ____ and the _____ and more", [], [], ["%x", "a:b", "[moodle]z"], ""),
        ParsedQuestion("gift-blank-end", 1, "fill_in", None, None, "medium", None, False, "Ends with _____",
                       [], [], ["y"], ""),
        ParsedQuestion("gift-match", 1, "matching", "agile", None, "medium", None, False, "Match.",
                       [Option("a", "x=1", True, "", "r2"), Option("b", "y#2", True, "", "r3")],
                       [Option("r1", "none", False, ""), Option("r2", "{two}", True, ""),
                        Option("r3", "one", True, "")], [], "Done."),
        ParsedQuestion("gift-multi", 1, "multiple", "people", None, "medium", None, False, "Many?",
                       [Option(c, c, c < "h", f"why {c}") for c in "abcdefghi"], [], [], ""),
    ]
    text = to_gift(questions)
    back, problems = parse_gift(text, "odd.gift", domain_keys=KEYS)
    assert reported(problems) == [(line_of(text, "::gift-blank-end::"), "error", "question 'gift-blank-end' has no "
                                   "domain: category '$course$/top' does not end in a domain key and no default "
                                   "domain is set")]
    assert [same(q) for q in back] == [same(q) for q in questions]


def test_to_gift_leaves_matching_feedback_out_because_gift_has_none():
    question = ParsedQuestion("gift-m", 1, "matching", "agile", None, "medium", None, False, "Match.",
                              [Option("a", "x", True, "why", "r1"), Option("b", "y", True, "", "r2")],
                              [Option("r1", "1", True, "why"), Option("r2", "2", True, "")], [], "")
    text = to_gift([question])
    assert "#" not in text.replace("$CATEGORY", "")
    [back], _ = parse_gift(text, "m.gift", domain_keys=KEYS)
    assert [(o.text, o.match, o.rationale) for o in back.options] == [("x", "r1", ""), ("y", "r2", "")]


def test_bank_questions_export_and_import_back():
    bank = parse_bank(FRONT + SINGLE + MULTIPLE + MATCHING + FILL_IN, "content/questions/test.md")
    assert [p.severity for p in bank.problems] == []
    keys = {"fundamentals", "agile", "predictive"}
    back, problems = parse_gift(to_gift(bank.questions), "bank.gift", domain_keys=keys)
    assert problems == []
    assert [q.id for q in back] == ["fund-001", "agile-014", "sched-003", "init-002"]
    for original, imported in zip(bank.questions, back, strict=True):
        assert (imported.type, imported.domain, imported.stem, imported.answers, imported.explanation) == (
            original.type, original.domain, original.stem, original.answers, original.explanation)
        if original.type == "matching":  # GIFT holds no feedback on matching pairs
            assert [(o.id, o.text, o.match) for o in imported.options] == [
                (o.id, o.text, o.match) for o in original.options]
            assert [(c.id, c.text, c.correct) for c in imported.choices] == [
                (c.id, c.text, c.correct) for c in original.choices]
        else:
            assert imported.options == original.options
