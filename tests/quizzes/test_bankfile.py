"""The question-bank parser: structure of valid banks and every structural rule, by file line."""

import random

import pytest

from learnpm.quizzes.bankfile import Option, parse_bank

FRONT = """---
title: Test bank
program: capm
course: capm-prep
---
"""

SINGLE = """
## fund-001

type: single
domain: fundamentals
task: "1.1"
difficulty: easy
lesson: projects-and-operations
check: true

Which one is a **project**?

- [ ] Running the service desk
  Ongoing work is operations.
- [x] Building a patient portal
  It is temporary
  and creates a unique result.
- [ ] Applying monthly patches
  Routine, repeated work.

Explanation: A project is temporary.
Operations are ongoing.
"""

MULTIPLE = """
## agile-014

type: multiple
domain: agile
task: "3.4"
difficulty: medium
lesson: capm-prep/scrum-in-practice

Which two events are part of every sprint? (Choose two.)

- [x] Sprint Review
  Held at the end of every sprint.
- [X] Daily Scrum
  Held every day.
- [ ] Phase-gate review
  A predictive control point.

Explanation: Both are Scrum events.
"""

MATCHING = """
## sched-003

type: matching
domain: predictive
task: "2.2"
difficulty: hard
lesson: scheduling
check: no

Match each term with its meaning.

- Critical path => The longest path, with zero total float
  The longest path sets the end date.
- Float => How long an activity can slip
  Also called slack.
- Lag => A wait between two linked activities
  A delay in the dependency.
- => A resource assigned twice
  That is over-allocation, not a scheduling term here.

Explanation: These are network terms.
"""

FILL_IN = """
## init-002

type: fill_in
domain: fundamentals
task: "1.1"
difficulty: easy
lesson: charters

The document that formally authorizes a project is the project ______.

answer: charter | project charter
answer:  Charter document

Explanation: The charter authorizes the project.
"""

HOTSPOT = """
## wbs-001

type: hotspot
domain: predictive
task: "2.1"
difficulty: medium
lesson: scope
image: wbs.png

Click the work package that is missing its owner.

- [x] Testing {x=10 y=20 w=30 h=15}
  The testing package has no owner.
- [ ] Design {x=50.5, y=20, w=30, h=15}
  Design has an owner.

Explanation: Every work package needs one owner.
"""


def parse(body: str, front: str = FRONT):
    """Parse a bank made of the front matter and `body`."""
    return parse_bank(front + body, "content/questions/test.md")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """Return the 1-based line of the nth line of `text` that contains `needle`."""
    hits = [number for number, line in enumerate(text.split("\n"), start=1) if needle in line]
    return hits[nth - 1]


def errors(bank) -> list[tuple[int, str]]:
    """Return (line, message) of the bank's errors."""
    return [(p.line, p.message) for p in bank.problems if p.severity == "error"]


def only_error(body: str, front: str = FRONT) -> tuple[int, str]:
    """Parse and return the single error the bank must have."""
    found = errors(parse(body, front))
    assert len(found) == 1, found
    return found[0]


def replace(text: str, old: str, new: str) -> str:
    """Replace `old` once, failing if it is absent."""
    assert old in text
    return text.replace(old, new, 1)


# Valid banks ---------------------------------------------------------------------------------------

def test_front_matter_is_read():
    bank = parse(SINGLE)
    assert (bank.path, bank.title, bank.program, bank.course) == (
        "content/questions/test.md", "Test bank", "capm", "capm-prep")


def test_single_question_structure():
    bank = parse(SINGLE)
    assert bank.problems == []
    [q] = bank.questions
    text = FRONT + SINGLE
    assert (q.id, q.line, q.type, q.domain, q.task, q.difficulty, q.lesson, q.check) == (
        "fund-001", line_of(text, "## fund-001"), "single", "fundamentals", "1.1", "easy",
        "projects-and-operations", True)
    assert q.line == 7
    assert q.stem == "Which one is a **project**?"
    assert q.options == [
        Option("a", "Running the service desk", False, "Ongoing work is operations."),
        Option("b", "Building a patient portal", True, "It is temporary and creates a unique result."),
        Option("c", "Applying monthly patches", False, "Routine, repeated work."),
    ]
    assert q.choices == [] and q.answers == [] and q.image is None
    assert q.explanation == "A project is temporary.\nOperations are ongoing."
    assert q.fields == {"type": 9, "domain": 10, "task": 11, "difficulty": 12, "lesson": 13, "check": 14}


def test_multiple_question_structure_and_course_slash_lesson():
    bank = parse(MULTIPLE, front="---\nprogram: capm\n---\n")
    assert bank.problems == []
    assert (bank.title, bank.course) == (None, None)
    [q] = bank.questions
    assert q.lesson == "capm-prep/scrum-in-practice"
    assert q.check is False
    assert [(o.id, o.text, o.correct) for o in q.options] == [
        ("a", "Sprint Review", True), ("b", "Daily Scrum", True), ("c", "Phase-gate review", False)]


def test_matching_question_pairs_and_distractor():
    bank = parse(MATCHING)
    assert bank.problems == []
    [q] = bank.questions
    assert q.check is False
    assert q.options == [
        Option("a", "Critical path", True, "The longest path sets the end date.", match="r1"),
        Option("b", "Float", True, "Also called slack.", match="r2"),
        Option("c", "Lag", True, "A delay in the dependency.", match="r3"),
    ]
    assert [(c.id, c.text, c.correct, c.match) for c in q.choices] == [
        ("r1", "The longest path, with zero total float", True, None),
        ("r2", "How long an activity can slip", True, None),
        ("r3", "A wait between two linked activities", True, None),
        ("r4", "A resource assigned twice", False, None),
    ]
    assert q.choices[3].rationale == "That is over-allocation, not a scheduling term here."


def test_fill_in_question_answers_and_alternatives():
    bank = parse(FILL_IN)
    assert bank.problems == []
    [q] = bank.questions
    assert q.answers == ["charter", "project charter", "Charter document"]
    assert q.options == [] and q.choices == []
    assert q.stem == "The document that formally authorizes a project is the project ______."
    assert q.explanation == "The charter authorizes the project."


def test_hotspot_question_image_and_regions():
    bank = parse(HOTSPOT)
    assert bank.problems == []
    [q] = bank.questions
    assert q.image == "wbs.png"
    assert q.fields["image"] == line_of(FRONT + HOTSPOT, "image:")
    assert q.options == [
        Option("a", "Testing", True, "The testing package has no owner.",
               region={"x": 10.0, "y": 20.0, "w": 30.0, "h": 15.0}),
        Option("b", "Design", False, "Design has an owner.",
               region={"x": 50.5, "y": 20.0, "w": 30.0, "h": 15.0}),
    ]
    assert all(isinstance(v, float) for v in q.options[0].region.values())


def test_several_questions_of_every_type_in_one_bank():
    bank = parse(SINGLE + MULTIPLE + MATCHING + FILL_IN + HOTSPOT)
    assert bank.problems == []
    text = FRONT + SINGLE + MULTIPLE + MATCHING + FILL_IN + HOTSPOT
    assert [(q.id, q.type, q.line) for q in bank.questions] == [
        ("fund-001", "single", 7),
        ("agile-014", "multiple", line_of(text, "## agile-014")),
        ("sched-003", "matching", line_of(text, "## sched-003")),
        ("init-002", "fill_in", line_of(text, "## init-002")),
        ("wbs-001", "hotspot", line_of(text, "## wbs-001")),
    ]
    assert bank.questions[0].explanation == "A project is temporary.\nOperations are ongoing."


def test_option_ids_continue_past_z():
    options = "".join(f"- [{'x' if i == 0 else ' '}] Option {i}\n  Why {i}.\n" for i in range(28))
    body = replace(SINGLE, SINGLE[SINGLE.index("- [ ] Running"):SINGLE.index("Explanation:")], options + "\n")
    [q] = parse(body).questions
    assert [o.id for o in q.options][24:] == ["y", "z", "aa", "ab"]


def test_check_accepts_yes_and_false():
    assert parse(replace(SINGLE, "check: true", "check: yes")).questions[0].check is True
    assert parse(replace(SINGLE, "check: true", "check: False")).questions[0].check is False


def test_lists_and_fenced_code_in_the_stem_stay_in_the_stem():
    stem = "Given:\n\n- a plain list item\n\n```text\n## not-a-question\n- [x] not an option\n```\n\nWhich?"
    bank = parse(replace(SINGLE, "Which one is a **project**?", stem))
    assert bank.problems == []
    [q] = bank.questions
    assert q.stem == stem
    assert len(q.options) == 3


def test_a_stem_line_that_looks_like_a_field_after_the_blank_line_stays_in_the_stem():
    bank = parse(replace(SINGLE, "Which one is a **project**?", "Note: read carefully.\nWhich one?"))
    assert bank.problems == []
    assert bank.questions[0].stem == "Note: read carefully.\nWhich one?"


def test_explanation_runs_to_the_next_question():
    extra = "Operations are ongoing.\n\napplies: still explanation."
    bank = parse(replace(SINGLE, "Operations are ongoing.", extra) + MULTIPLE)
    assert bank.problems == []
    assert bank.questions[0].explanation == "A project is temporary.\n" + extra


# Front matter -------------------------------------------------------------------------------------

def test_missing_front_matter_is_reported_at_line_1_and_questions_still_parse():
    bank = parse_bank(SINGLE.lstrip("\n"), "b.md")
    assert errors(bank) == [(1, "missing front matter: the file must start with a '---' line")]
    assert [q.id for q in bank.questions] == ["fund-001"]


def test_unclosed_front_matter():
    bank = parse(SINGLE, front="---\nprogram: capm\ncourse: capm-prep\n")
    assert errors(bank)[0] == (1, "front matter is not closed with a '---' line")
    assert [q.id for q in bank.questions] == ["fund-001"]


def test_broken_yaml_is_reported_at_its_file_line():
    line, message = only_error(SINGLE, front="---\nprogram: capm\ntitle: [unclosed\ncourse: capm-prep\n---\n")
    assert line == 4
    assert message.startswith("invalid YAML in front matter: ")
    assert message.endswith("in 'course: capm-prep'")


def test_yaml_error_on_the_first_front_matter_line():
    line, message = only_error(SINGLE, front="---\ntitle: a: b\nprogram: capm\ncourse: c\n---\n")
    assert line == 2
    assert message == "invalid YAML in front matter: mapping values are not allowed here in 'title: a: b'"


def test_front_matter_that_is_not_a_mapping():
    bank = parse(SINGLE, front="---\n- a list\n---\n")
    assert errors(bank)[0] == (2, "front matter must be 'key: value' lines, got '['a list']'")


def test_unknown_front_key_and_non_text_value_and_missing_program():
    bank = parse(SINGLE, front="---\ntitle: T\ncolour: red\ncourse: 12\n---\n")
    assert errors(bank) == [
        (1, "front matter has no 'program'"),
        (3, "unknown front matter key 'colour' (use title, program or course)"),
        (4, "front matter 'course' must be text, got '12'"),
        (13, "lesson 'projects-and-operations' needs a course: add 'course:' to the front matter "
            "or write 'COURSE/projects-and-operations'"),
    ]


def test_oversized_front_matter_is_not_parsed():
    front = "---\nprogram: capm\n" + "note: padding padding padding\n" * 3000 + "---\n"
    bank = parse(SINGLE, front=front)
    assert errors(bank) == [(1, "front matter is 90,014 characters; the limit is 65,536")]
    assert bank.program is None
    assert [q.line for q in bank.questions] == [3005]


def test_text_before_the_first_question_and_a_bank_without_questions():
    assert only_error("\nIntro paragraph.\n" + SINGLE) == (
        7, "text before the first question: 'Intro paragraph.'")
    assert only_error("\nJust text.\n") == (
        1, "the bank has no questions (each starts with a '## id' heading)")


def test_an_unclosed_code_fence_is_reported_where_it_opens():
    body = replace(SINGLE, "Which one is a **project**?", "```sql\nSELECT 1;")
    bank = parse(body + MULTIPLE)
    assert (16, "code fence '```sql' is never closed") in errors(bank)
    assert [q.id for q in bank.questions] == ["fund-001"]


# Ids and header fields ----------------------------------------------------------------------------

def test_duplicate_question_id_names_the_first_line():
    text = FRONT + SINGLE + SINGLE
    assert only_error(SINGLE + SINGLE) == (line_of(text, "## fund-001", 2),
                                           "duplicate question id 'fund-001' (first at line 7)")
    assert len(parse(SINGLE + SINGLE).questions) == 2


@pytest.mark.parametrize("heading, shown", [
    ("## fund 001", "fund 001"), ("## fund_001", "fund_001"), ("## -fund", "-fund"), ("##", ""),
    ("## fünd-1", "fünd-1"), ("## " + "a" * 65, "a" * 59 + "…"),
])
def test_bad_question_ids(heading, shown):
    assert only_error(replace(SINGLE, "## fund-001", heading)) == (
        7, f"bad question id '{shown}' (use letters, digits and '-')")


TYPE_ERROR = "unknown type 'singel' (use single, multiple, matching, fill_in or hotspot)"
FIELD_ERROR = "unknown field 'colour' (use type, domain, task, difficulty, lesson, check, pool, image, set)"
DIFFICULTY_ERROR = "unknown difficulty 'very hard' (use easy, medium or hard)"
NO_EXPLANATION = "question '{}' has no explanation (a paragraph starting 'Explanation:')"


@pytest.mark.parametrize("old, new, message", [
    ("type: single", "type: singel", TYPE_ERROR),
    ("difficulty: easy", "difficulty: very hard", DIFFICULTY_ERROR),
    ("check: true", "check: maybe", "check must be true or false (or yes/no), got 'maybe'"),
    ("check: true", "colour: blue", FIELD_ERROR),
    ("check: true", "check: true\ntype: multiple", "duplicate field 'type' (first at line 9)"),
    ("domain: fundamentals", "domain:", "field 'domain' is empty"),
    ("task: \"1.1\"", "task: \"\"", "field 'task' is empty"),
    ("lesson: projects-and-operations", "lesson: a/b/c", "lesson 'a/b/c' must be 'slug' or 'course/slug'"),
    ("lesson: projects-and-operations", "lesson: /x", "lesson '/x' must be 'slug' or 'course/slug'"),
    ("check: true", "image: x.png", "'image' is only for hotspot questions"),
])
def test_bad_header_fields_are_reported_at_their_line(old, new, message):
    body = replace(SINGLE, old, new)
    expected_line = line_of(FRONT + body, new.split("\n")[-1])
    assert only_error(body) == (expected_line, message)


@pytest.mark.parametrize("key", ["type", "domain", "task", "difficulty", "lesson"])
def test_missing_required_field_is_reported_at_the_heading(key):
    body = "\n".join(line for line in SINGLE.split("\n") if not line.startswith(key + ":"))
    assert (7, f"question 'fund-001' has no '{key}' field") in errors(parse(body))
    if key != "type":
        assert only_error(body) == (7, f"question 'fund-001' has no '{key}' field")


def test_missing_check_means_false():
    [q] = parse(replace(SINGLE, "check: true\n", "")).questions
    assert q.check is False


def test_unknown_type_skips_type_rules_but_keeps_the_stem():
    bank = parse(replace(SINGLE, "type: single", "type: essay"))
    assert len(errors(bank)) == 1
    assert bank.questions[0].type == "essay"
    assert bank.questions[0].stem == "Which one is a **project**?"


# Stem, options, explanation -----------------------------------------------------------------------

def test_missing_stem():
    body = replace(SINGLE, "Which one is a **project**?\n", "")
    assert only_error(body) == (7, "question 'fund-001' has no stem")


def test_missing_and_empty_explanation():
    body = SINGLE[:SINGLE.index("Explanation:")]
    assert only_error(body) == (7, NO_EXPLANATION.format("fund-001"))
    body = body + "Explanation:   \n"
    assert only_error(body) == (line_of(FRONT + body, "Explanation:"),
                                "question 'fund-001' has an empty explanation")


def test_option_without_rationale_is_a_warning():
    body = replace(SINGLE, "  Routine, repeated work.\n", "")
    bank = parse(body)
    assert errors(bank) == []
    assert [(p.line, p.message, p.severity) for p in bank.problems] == [
        (line_of(FRONT + body, "Applying monthly"),
         "option '- [ ] Applying monthly patches' has no rationale", "warning")]
    assert bank.questions[0].options[2].rationale == ""


def test_unindented_text_after_the_options_is_an_error():
    body = replace(SINGLE, "  Ongoing work is operations.", " Ongoing work is operations.")
    assert only_error(body) == (line_of(FRONT + body, " Ongoing work"),
                                "unexpected text after the options: 'Ongoing work is operations.' "
                                "(indent a rationale by two spaces under its option)")


@pytest.mark.parametrize("old, new, need", [
    ("- [x] Building", "- [ ] Building", "exactly one right option, found 0"),
    ("- [ ] Running", "- [x] Running", "exactly one right option, found 2"),
])
def test_single_needs_exactly_one_right_option(old, new, need):
    assert only_error(replace(SINGLE, old, new)) == (7, f"single question 'fund-001' needs {need}")


def test_single_needs_two_options():
    body = SINGLE[:SINGLE.index("- [ ] Running")]
    body += SINGLE[SINGLE.index("- [x]"):SINGLE.index("- [ ] Applying")] + "Explanation: x\n"
    assert only_error(body) == (7, "single question 'fund-001' needs at least two options, found 1")


def test_malformed_and_duplicate_options():
    body = replace(SINGLE, "- [ ] Applying monthly patches", "- [y] Applying monthly patches")
    body = replace(body, "- [ ] Running the service desk", "- [ ] Building a patient portal")
    text = FRONT + body
    assert errors(parse(body)) == [
        (line_of(text, "Building a patient portal", 2),
         "duplicate option 'Building a patient portal' (first at line 18)"),
        (line_of(text, "[y]"),
         "malformed option '- [y] Applying monthly patches' (use '- [x] text' or '- [ ] text')"),
    ]
    assert only_error(replace(SINGLE, "- [ ] Applying monthly patches", "- [ ]")) == (
        line_of(FRONT + SINGLE, "Applying"), "option '- [ ]' has no text")


@pytest.mark.parametrize("old, new, need", [
    ("- [X] Daily Scrum", "- [ ] Daily Scrum", "at least two right options, found 1"),
    ("- [ ] Phase-gate review", "- [x] Phase-gate review", "at least one wrong option, found 0"),
])
def test_multiple_right_and_wrong_counts(old, new, need):
    assert only_error(replace(MULTIPLE, old, new)) == (7, f"multiple question 'agile-014' needs {need}")


@pytest.mark.parametrize("old, new", [
    ("- Float => How long an activity can slip", "- Float -> How long an activity can slip"),
    ("- Float => How long an activity can slip", "- Float =>"),
    ("- Float => How long an activity can slip", "- Float => slip => more"),
    ("- Float => How long an activity can slip", "- [x] Float => "),
])
def test_malformed_matching_items(old, new):
    body = replace(MATCHING, old, new)
    assert only_error(body) == (line_of(FRONT + body, new),
                                f"malformed matching item '{new.strip()}' "
                                "(use '- LEFT => RIGHT', or '- => RIGHT' for a distractor)")


def test_matching_with_a_checkbox_option_is_malformed():
    body = replace(MATCHING, "- Lag => A wait between two linked activities", "- [x] Lag")
    assert only_error(body) == (line_of(FRONT + body, "- [x] Lag"), "malformed matching item '- [x] Lag' "
                                "(use '- LEFT => RIGHT', or '- => RIGHT' for a distractor)")


def test_matching_needs_two_pairs_and_distinct_items():
    body = MATCHING[:MATCHING.index("- Float")] + MATCHING[MATCHING.index("- =>"):]
    assert only_error(body) == (7, "matching question 'sched-003' needs at least two pairs, found 1")
    body = replace(MATCHING, "- Lag => A wait", "- Float => A wait")
    first = line_of(FRONT + body, "Float")
    assert only_error(body) == (line_of(FRONT + body, "- Float => A wait"),
                                f"duplicate matching item 'Float' (first at line {first})")
    body = replace(MATCHING, "- => A resource assigned twice", "- => How long an activity can slip")
    assert only_error(body) == (line_of(FRONT + body, "- =>"),
                                "duplicate matching item 'How long an activity can slip' (first at line 20)")


def test_fill_in_rules():
    no_answer = "\n".join(line for line in FILL_IN.split("\n") if not line.startswith("answer:"))
    assert only_error(no_answer) == (
        7, "fill_in question 'init-002' needs at least one 'answer:' line, found none")
    body = replace(FILL_IN, "answer:  Charter document", "- [x] charter\n  The charter.")
    assert only_error(body) == (line_of(FRONT + body, "- [x] charter"),
                                "a fill_in question has no options, found '- [x] charter'")
    body = replace(FILL_IN, "answer: charter | project charter", "answer: charter || project charter")
    assert only_error(body) == (line_of(FRONT + body, "||"),
                                "empty alternative in answer 'charter || project charter'")
    assert parse(body).questions[0].answers == ["charter", "project charter", "Charter document"]


def test_answer_lines_outside_fill_in():
    body = replace(SINGLE, "Explanation:", "answer: b\n\nExplanation:")
    assert only_error(body) == (line_of(FRONT + body, "answer: b"),
                                "'answer:' lines are only for fill_in questions, found 'b'")


@pytest.mark.parametrize("region, problem", [
    ("{x=10 y=20 w=30}", "missing h"),
    ("{x=10 y=20 w=30 h=ten}", "'ten' is not a number"),
    ("{x=10 y=20 w=30 h=150}", "'h=150' is outside 0..100"),
    ("{x=-1 y=20 w=30 h=15}", "'x=-1' is outside 0..100"),
    ("{x=nan y=20 w=30 h=15}", "'x=nan' is outside 0..100"),
    ("{x=80 y=20 w=30 h=15}", "the region runs past the edge of the image"),
    ("{x=10 y=20 w=0 h=15}", "width and height must be above 0"),
    ("{x=10 x=20 w=30 h=15}", "bad part 'x=20' (use x=.. y=.. w=.. h=.. once each)"),
    ("{x=10 y=20 w=30 h=15 z=1}", "bad part 'z=1' (use x=.. y=.. w=.. h=.. once each)"),
])
def test_bad_hotspot_regions(region, problem):
    body = replace(HOTSPOT, "{x=10 y=20 w=30 h=15}", region)
    assert only_error(body) == (line_of(FRONT + body, "- [x] Testing"), f"region '{region}': {problem}")
    assert parse(body).questions[0].options[0].region is None


def test_hotspot_needs_a_region_an_image_and_a_right_region():
    body = replace(HOTSPOT, "Testing {x=10 y=20 w=30 h=15}", "Testing")
    assert only_error(body) == (line_of(FRONT + body, "- [x] Testing"),
                                "hotspot option 'Testing' has no region {x=.. y=.. w=.. h=..}")
    assert only_error(replace(HOTSPOT, "image: wbs.png\n", "")) == (
        7, "hotspot question 'wbs-001' needs an 'image:' field")
    assert only_error(replace(HOTSPOT, "- [x] Testing", "- [ ] Testing")) == (
        7, "hotspot question 'wbs-001' needs at least one right region, found 0")


def test_lesson_slug_needs_a_course():
    body = replace(SINGLE, "lesson: projects-and-operations", "lesson: scope")
    assert only_error(body, front="---\nprogram: capm\n---\n") == (
        11, "lesson 'scope' needs a course: add 'course:' to the front matter or write 'COURSE/scope'")


# Many problems and hostile input ------------------------------------------------------------------

def test_every_problem_in_a_file_is_reported_in_order():
    first = replace(SINGLE, "difficulty: easy", "difficulty: very hard")
    second = replace(MULTIPLE, "type: multiple", "type: singel")
    second = replace(second, "lesson: capm-prep/", "colour: blue\nlesson: ")
    third = replace(MATCHING, "## sched-003", "## fund-001")
    third = replace(third, "- Float => How long", "- Float -> How long")
    fourth = FILL_IN[:FILL_IN.index("Explanation:")]
    fifth = replace(HOTSPOT, "{x=10 y=20 w=30 h=15}", "{x=10 y=20 w=300 h=15}")
    text = FRONT + first + second + third + fourth + fifth
    bank = parse(first + second + third + fourth + fifth)
    assert errors(bank) == [
        (line_of(text, "very hard"), DIFFICULTY_ERROR),
        (line_of(text, "singel"), TYPE_ERROR),
        (line_of(text, "colour"), FIELD_ERROR),
        (line_of(text, "## fund-001", 2), "duplicate question id 'fund-001' (first at line 7)"),
        (line_of(text, "Float ->"), "malformed matching item '- Float -> How long an activity can slip' "
                                    "(use '- LEFT => RIGHT', or '- => RIGHT' for a distractor)"),
        (line_of(text, "## init-002"), NO_EXPLANATION.format("init-002")),
        (line_of(text, "w=300"), "region '{x=10 y=20 w=300 h=15}': 'w=300' is outside 0..100"),
    ]
    assert [q.id for q in bank.questions] == ["fund-001", "agile-014", "fund-001", "init-002", "wbs-001"]
    assert len(bank.questions[2].options) == 2


def test_nul_bytes_are_refused_with_one_problem():
    bank = parse_bank(FRONT + SINGLE + "\x00\x01\x02", "bin.md")
    assert [(p.line, p.message) for p in bank.problems] == [
        (1, "file contains NUL bytes: it is binary data, not a Markdown bank")]
    assert bank.questions == []


def test_a_file_over_2_mb_is_refused_with_one_problem():
    text = FRONT + SINGLE * (3 * 1024 * 1024 // len(SINGLE) + 1)
    bank = parse_bank(text, "big.md")
    assert len(bank.problems) == 1
    assert bank.problems[0].line == 1
    size = len(text.encode())
    assert size > 3 * 1024 * 1024
    assert bank.problems[0].message == f"file is {size:,} bytes; the limit for a bank is 2,097,152"
    assert bank.questions == []


def test_binary_garbage_without_nul_does_not_raise():
    garbage = bytes((i * 7919 + 13) % 255 + 1 for i in range(20000)).decode("utf-8", "replace")
    bank = parse_bank(garbage, "junk.md")
    assert bank.problems[0] == bank.problems[0].__class__("junk.md", 1, "missing front matter: the file must "
                                                                        "start with a '---' line")
    assert all(p.line >= 1 for p in bank.problems)


@pytest.mark.parametrize("text", [
    "", "---", "---\n---", "---\n---\n## ", "## x\n- =>\n- [", "---\n" + "[" * 50000 + "\n---\n",
    "---\n&a [*a]\n---\n", "---\nprogram: !!python/object:os.system x\n---\n",
])
def test_hostile_small_inputs_never_raise(text):
    bank = parse_bank(text, "h.md")
    assert bank.problems and all(p.severity in ("error", "warning") for p in bank.problems)


def test_pathological_lines_are_reported_not_choked_on():
    # Inputs that make a backtracking regex run for minutes; the suite would hang on a regression.
    long_line = "-" + " " * 300_000 + "x"
    hotspot = replace(HOTSPOT, "{x=10 y=20 w=30 h=15}", "{" * 300_000)
    assert len(parse(replace(SINGLE, "Which one is a **project**?", long_line)).questions) == 1
    assert errors(parse(hotspot))


def test_problems_are_sorted_by_line():
    body = replace(SINGLE, "- [ ] Applying", "- [x] Applying")
    body = replace(body, "## fund-001", "## fund 001")
    assert errors(parse(body, front="---\ncourse: capm-prep\n---\n")) == [
        (1, "front matter has no 'program'"),
        (5, "single question 'fund 001' needs exactly one right option, found 2"),
        (5, "bad question id 'fund 001' (use letters, digits and '-')"),
    ]


@pytest.mark.parametrize("seed", range(40))
def test_randomly_damaged_banks_never_raise(seed):
    rng = random.Random(seed)
    lines = (FRONT + SINGLE + MULTIPLE + MATCHING + FILL_IN + HOTSPOT).split("\n")
    for _ in range(rng.randint(1, 12)):
        index = rng.randrange(len(lines))
        action = rng.choice(["drop", "copy", "swap", "cut", "indent"])
        if action == "drop":
            del lines[index]
        elif action == "copy":
            lines.insert(index, rng.choice(lines))
        elif action == "swap":
            other = rng.randrange(len(lines))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "cut":
            lines[index] = lines[index][:rng.randint(0, len(lines[index]))]
        else:
            lines[index] = "  " + lines[index]
    bank = parse_bank("\n".join(lines), "fuzz.md")
    assert all(1 <= p.line <= len(lines) for p in bank.problems)
    assert [p.line for p in bank.problems] == sorted(p.line for p in bank.problems)


def test_a_question_with_no_blank_lines():
    compact = "\n".join(line for line in SINGLE.split("\n") if line.strip()) + "\n"
    bank = parse(compact)
    assert bank.problems == []
    [q] = bank.questions
    assert q.stem == "Which one is a **project**?"
    assert [o.correct for o in q.options] == [False, True, False]
    assert q.options[1].rationale == "It is temporary and creates a unique result."
    assert q.explanation == "A project is temporary.\nOperations are ongoing."
    assert q.fields["check"] == 12


def test_windows_and_old_mac_line_endings_and_a_bom():
    plain = parse(SINGLE + MATCHING)
    for text in ("\ufeff" + (FRONT + SINGLE + MATCHING).replace("\n", "\r\n"),
                 (FRONT + SINGLE + MATCHING).replace("\n", "\r")):
        bank = parse_bank(text, "content/questions/test.md")
        assert bank.problems == []
        assert bank.questions == plain.questions
        assert bank.questions[0].explanation == "A project is temporary.\nOperations are ongoing."


def test_windows_line_endings_keep_error_lines():
    body = replace(SINGLE, "difficulty: easy", "difficulty: hardest")
    bank = parse_bank((FRONT + body).replace("\n", "\r\n"), "w.md")
    assert errors(bank) == [(12, "unknown difficulty 'hardest' (use easy, medium or hard)")]
