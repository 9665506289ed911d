"""`learnpm questions import`: Moodle's own files in, stable identity, categories, formats, the report."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnpm.extensions import db
from learnpm.quizzes.importing import ImportRequest, apply_import, plan_import
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion

MOODLE = Path(__file__).parents[1] / "fixtures" / "moodle"
EXAMPLES = (MOODLE / "gift-examples.txt").read_bytes()
IN_CATEGORY = MOODLE / "gift-questions_in_category.gift.txt"
SUMMARY = r"\d+ added, \d+ changed, \d+ unchanged, \d+ not importable"


def run(runner, path, bank="moodle", fmt="gift", *extra):
    """Run `learnpm questions import` and return (exit code, output lines)."""
    result = runner.invoke(args=["questions", "import", str(path), "--bank", bank, "--format", fmt, *extra])
    return result.exit_code, result.output.rstrip("\n").split("\n")


def write(tmp_path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def bank_questions(slug: str) -> list[Question]:
    return db.session.scalars(select(Question).join(QuestionBank).where(QuestionBank.slug == slug)
                              .order_by(Question.key)).all()


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionVersion))


# Moodle's GIFT examples ---------------------------------------------------------------------------------------

def test_moodle_gift_examples_import_and_the_last_line_is_the_summary(runner, quiz_imported, tmp_path):
    code, lines = run(runner, write(tmp_path, "examples.txt", EXAMPLES), "moodle", "gift", "--domain", "alpha")
    assert lines[-1] == "25 added, 0 changed, 0 unchanged, 18 not importable"
    assert code == 1  # something was not importable, and each item says why at its line
    text = "\n".join(lines)
    assert f"{tmp_path / 'examples.txt'}:16: " in text and "numerical question" in text
    # three copies of the same untitled question: one is kept, the others are named as copies
    assert "the same question as line 8" in text
    assert len(bank_questions("moodle")) == 25


def test_reimport_after_adding_a_comment_and_a_question_changes_exactly_one(runner, quiz_imported, tmp_path):
    run(runner, write(tmp_path, "examples.txt", EXAMPLES), "moodle", "gift", "--domain", "alpha")
    before = {q.key: q.id for q in bank_questions("moodle")}
    edited = EXAMPLES.replace(b"// ===Short Answer===\n", b"// ===Short Answer===\n// a comment a teacher added\n"
                              b"Which process owns the charter? {=Develop Project Charter ~Plan Scope}\n\n")
    edited = b"// one more comment line at the top\n" + edited
    code, lines = run(runner, write(tmp_path, "edited.txt", edited), "moodle", "gift", "--domain", "alpha")
    assert lines[-1] == "1 added, 0 changed, 25 unchanged, 18 not importable"
    after = {q.key: q.id for q in bank_questions("moodle")}
    assert len(after) == 26 and all(after[key] == qid for key, qid in before.items())  # same rows, same ids


def test_moving_questions_around_changes_nothing(runner, quiz_imported, tmp_path):
    run(runner, write(tmp_path, "examples.txt", EXAMPLES), "moodle", "gift", "--domain", "alpha")
    parts = EXAMPLES.split(b"\n\n")
    _, lines = run(runner, write(tmp_path, "moved.txt", b"\n\n".join(parts[::-1])), "moodle", "gift",
                   "--domain", "alpha")
    assert lines[-1].startswith("0 added, 0 changed, 25 unchanged")


def test_aiken_question_added_at_the_top_keeps_the_others_and_their_history(runner, quiz_imported, tmp_path):
    aiken = (MOODLE / "aiken-questions.aiken.txt").read_bytes()
    run(runner, write(tmp_path, "a.txt", aiken), "aik", "aiken", "--domain", "beta")
    first = {q.key: (q.id, q.version) for q in bank_questions("aik")}
    top = b"Who signs the charter?\nA) The sponsor\nB) The team\nANSWER: A\n\n"
    _, lines = run(runner, write(tmp_path, "b.txt", top + aiken), "aik", "aiken", "--domain", "beta")
    assert lines[-1] == "1 added, 0 changed, 2 unchanged, 0 not importable"
    assert all({q.key: (q.id, q.version) for q in bank_questions("aik")}[k] == v for k, v in first.items())


def test_questions_keyed_by_line_number_before_keep_their_rows_on_reimport(runner, quiz_imported, tmp_path):
    aiken = write(tmp_path, "a.txt", (MOODLE / "aiken-questions.aiken.txt").read_bytes())
    run(runner, aiken, "aik", "aiken", "--domain", "beta")
    for number, question in enumerate(bank_questions("aik"), start=1):
        question.key = f"aik-aiken-{number * 7}"  # the line-number keys earlier imports gave
    db.session.commit()
    legacy = {q.key: q.id for q in bank_questions("aik")}
    _, lines = run(runner, aiken, "aik", "aiken", "--domain", "beta")
    assert lines[-1] == "0 added, 0 changed, 2 unchanged, 0 not importable"
    assert {q.key: q.id for q in bank_questions("aik")} == legacy


def test_a_titled_question_edited_becomes_a_new_version_of_the_same_question(runner, quiz_imported, tmp_path):
    run(runner, IN_CATEGORY, "cat", "gift", "--domain", "alpha")
    [greeting] = [q for q in bank_questions("cat") if q.key == "cat-greeting"]
    edited = IN_CATEGORY.read_bytes().replace(b"=French#Yes, well done!", b"=French#Oui, well done!")
    _, lines = run(runner, write(tmp_path, "c.txt", edited), "cat", "gift", "--domain", "alpha")
    assert lines[-1] == "0 added, 1 changed, 3 unchanged, 0 not importable"
    db.session.refresh(greeting)
    assert greeting.version == 2
    contents = db.session.scalars(select(QuestionVersion.content).where(QuestionVersion.question_id == greeting.id)
                                  .order_by(QuestionVersion.number)).all()
    assert [next(o["rationale"] for o in c["options"] if o["correct"]) for c in contents] == [
        "Yes, well done!", "Oui, well done!"]  # the old version stays for the attempts that showed it


# Export and import back ---------------------------------------------------------------------------------------

def test_export_then_import_into_the_same_bank_changes_nothing(runner, quiz_imported, tmp_path):
    run(runner, write(tmp_path, "examples.txt", EXAMPLES), "moodle", "gift", "--domain", "alpha")
    run(runner, IN_CATEGORY, "moodle", "gift", "--domain", "beta")
    out = tmp_path / "out.gift"
    assert runner.invoke(args=["questions", "export-gift", "--bank", "moodle", str(out)]).exit_code == 0
    count, before = len(bank_questions("moodle")), versions()
    code, lines = run(runner, out, "moodle", "gift")
    assert (code, lines[-1]) == (0, f"0 added, 0 changed, {count} unchanged, 0 not importable")
    assert versions() == before


def test_export_of_the_content_bank_imports_back_unchanged(runner, quiz_imported, tmp_path):
    out = tmp_path / "mini.gift"
    runner.invoke(args=["questions", "export-gift", "--bank", "mini", str(out)])
    written = sum(1 for q in bank_questions("mini") if q.type != "hotspot")
    code, lines = run(runner, out, "mini", "gift")
    assert lines[-1] == f"0 added, 0 changed, {written} unchanged, 0 not importable", "\n".join(lines)


def test_learnpm_bank_file_imported_into_its_bank_changes_nothing(runner, quiz_imported):
    code, lines = run(runner, quiz_imported / "questions" / "mini.md", "mini", "learnpm")
    assert (code, lines[-1]) == (0, f"0 added, 0 changed, {len(bank_questions('mini'))} unchanged, 0 not importable")


def test_learnpm_bank_file_into_another_bank_is_refused_by_id(runner, quiz_imported):
    _, lines = run(runner, quiz_imported / "questions" / "mini.md", "other", "learnpm")
    assert lines[-1].endswith(f"{len(bank_questions('mini'))} not importable")
    assert "its id 'a-1' belongs to bank 'mini'" in "\n".join(lines)


# Categories ---------------------------------------------------------------------------------------------------

def test_categories_are_kept_written_back_and_survive_the_round_trip(runner, quiz_imported, tmp_path):
    run(runner, IN_CATEGORY, "cat", "gift", "--domain", "alpha")
    assert {q.category for q in bank_questions("cat")} == {"$course$/Default for New Features"}
    out = tmp_path / "out.gift"
    runner.invoke(args=["questions", "export-gift", "--bank", "cat", str(out)])
    assert out.read_text().count("$CATEGORY: $course$/Default for New Features\n") == 1
    _, lines = run(runner, out, "cat2", "gift", "--domain", "alpha")
    assert lines[-1] == "4 added, 0 changed, 0 unchanged, 0 not importable"
    assert {q.category for q in bank_questions("cat2")} == {"$course$/Default for New Features"}


def test_map_sets_domain_and_task_and_unmapped_categories_are_listed(runner, quiz_imported, tmp_path):
    gift = write(tmp_path, "m.gift", "$CATEGORY: $course$/top/PM/Planning\n::P1:: Plan? {T}\n\n"
                 "$CATEGORY: $course$/top/PM/Planning/Schedule\n::P2:: Gantt? {T}\n\n"
                 "$CATEGORY: $course$/top/Elsewhere\n::E1:: Else? {F}\n")
    code, lines = run(runner, gift, "map", "gift", "--map", "PM/Planning=beta:2.1", "--domain", "alpha")
    assert lines[-1] == "3 added, 0 changed, 0 unchanged, 0 not importable"
    assert [(q.key, q.domain, q.task) for q in bank_questions("map")] == [
        ("map-e1", "alpha", None), ("map-p1", "beta", "2.1"), ("map-p2", "beta", "2.1")]  # subcategories too
    text = "\n".join(lines)
    assert "categories not mapped to a domain" in text and "  $course$/top/Elsewhere" in text
    assert "PM/Planning\n" not in text.split("categories not mapped")[1]
    _, lines = run(runner, gift, "map", "gift", "--map", "Nowhere=beta", "--domain", "alpha", "--dry-run")
    assert "mapping 'Nowhere' matched no category of the file" in "\n".join(lines)


def test_a_category_mapping_to_nothing_without_a_default_domain_is_not_importable(runner, quiz_imported, tmp_path):
    code, lines = run(runner, write(tmp_path, "n.gift", "$CATEGORY: Misc\n::N1:: Q? {T}\n"), "nod", "gift")
    assert (code, lines[-1]) == (1, "0 added, 0 changed, 0 unchanged, 1 not importable")
    assert "category 'Misc' maps to no domain" in "\n".join(lines)


@pytest.mark.parametrize("bad", ["nonsense", "X=gamma", "X=alpha:9.9", "=alpha"])
def test_bad_mappings_are_refused_before_anything_is_read(runner, quiz_imported, tmp_path, bad):
    result = runner.invoke(args=["questions", "import", str(IN_CATEGORY), "--bank", "b", "--format", "gift",
                                 "--map", bad])
    assert result.exit_code == 1 and "Error:" in result.output
    assert bank_questions("b") == []


# Weights, formats, Moodle's quirks ----------------------------------------------------------------------------

def test_every_dropped_weight_is_reported_by_question_name(runner, quiz_imported, tmp_path):
    _, lines = run(runner, write(tmp_path, "examples.txt", EXAMPLES), "moodle", "gift", "--domain", "alpha")
    section = lines[lines.index("graded all-or-nothing (partial weights dropped):") + 1:]
    named = [line.strip() for line in section if line.startswith("  ") and "%" in line]
    assert named[:7] == [
        "'Difficult question.': 50% on 'half credit answer'",
        "'Jesus' hometown': 25% on 'Bethlehem', 50% on 'Galilee'",
        "'Jesus' hometown': 75% on 'Nazereth', 25% on 'Bethlehem'",
        "'What two people are entombed in Grant's tomb?': 50% on 'Grant', 50% on 'Grant's wife'",
        "'What two people are entombed in Grant's tomb?': -50% on 'No one', 50% on 'Grant', 50% on 'Grant's wife', "
        "-50% on 'Grant's father'",
        "'Difficult multiple choice question.': 50% on 'half credit answer'",
        "'Jesus' hometown (Short answer ex.)': 75% on 'Nazereth', 25% on 'Bethlehem'",
    ]


def test_several_right_short_answers_one_word_blocks_and_aiken_without_spaces(runner, quiz_imported, tmp_path):
    gift = write(tmp_path, "s.gift", "::Two:: Two plus two equals {=four =4}.\n\n::One:: Say {One}\n")
    run(runner, gift, "sa", "gift", "--domain", "alpha")
    contents = {q.key: db.session.get(QuestionVersion, q.id).content for q in bank_questions("sa")}
    assert [(c["type"], c["answers"]) for c in contents.values()] == [("fill_in", ["One"]), ("fill_in", ["four", "4"])]
    _, lines = run(runner, MOODLE / "aiken-aiken_errors.txt", "ae", "aiken", "--domain", "beta")
    assert lines[-1] == "2 added, 0 changed, 0 unchanged, 3 not importable"  # 'A)Incorrect (No space)' imports


def test_moodle_xml_fixture_imports_with_its_categories(runner, quiz_imported):
    path = MOODLE / "xml-nested_categories_with_questions.xml"
    code, lines = run(runner, path, "xml", "moodle-xml", "--map", "Iota=alpha", "--map", "Iota/Mu=beta")
    assert lines[-1] == "4 added, 0 changed, 0 unchanged, 1 not importable"
    assert f"{path}:55: " in "\n".join(lines) and "essay question 'Kappa Essay Question'" in "\n".join(lines)
    assert [(q.key, q.category, q.domain, q.type) for q in bank_questions("xml")] == [
        ("xml-iota-question", "$course$/Iota", "alpha", "single"),
        ("xml-kappa-question", "$course$/Iota/Kappa", "alpha", "single"),
        ("xml-lambda-question", "$course$/Iota/Kappa/Lambda", "alpha", "single"),
        ("xml-mu-question", "$course$/Iota/Mu", "beta", "single")]
    assert run(runner, path, "xml", "moodle-xml", "--map", "Iota=alpha", "--map", "Iota/Mu=beta")[1][-1] == \
        "0 added, 0 changed, 4 unchanged, 1 not importable"


MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/PM</text></category></question>
  <question type="multichoice">
    <name><text>Constraints</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which <b>two</b>?</p><script>alert(1)</script>]]></text>
    </questiontext>
    <generalfeedback format="html"><text>Scope and time.</text></generalfeedback>
    <single>false</single>
    <answer fraction="50"><text>Scope</text><feedback><text>Yes</text></feedback></answer>
    <answer fraction="50"><text>Time</text><feedback><text>Yes</text></feedback></answer>
    <answer fraction="-100"><text>Lunch</text><feedback><text>No</text></feedback></answer>
    <tags><tag><text>capm</text></tag><tag><text>week-1</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>Sponsor</text></name>
    <questiontext format="moodle_auto_format"><text>Who signs? #1 &lt;b&gt;</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>Sponsor</text></answer>
    <answer fraction="33.33333"><text>PM</text></answer>
  </question>
  <question type="matching">
    <name><text>Roles</text></name>
    <questiontext format="html"><text>Match.</text></questiontext>
    <subquestion format="html"><text>PO</text><answer><text>Value</text></answer></subquestion>
    <subquestion format="html"><text>SM</text><answer><text>Process</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Contract</text></answer></subquestion>
  </question>
  <question type="shortanswer">
    <name><text>Charter</text></name>
    <questiontext format="plain_text"><text>The document?</text></questiontext>
    <answer fraction="100"><text>charter</text></answer>
    <answer fraction="100"><text>project charter</text></answer>
    <answer fraction="50"><text>chart</text></answer>
  </question>
  <question type="numerical"><name><text>Days</text></name><questiontext><text>7?</text></questiontext></question>
</quiz>
"""


def test_moodle_xml_types_feedback_tags_formats_and_dropped_weights(runner, quiz_imported, tmp_path):
    code, lines = run(runner, write(tmp_path, "q.xml", MOODLE_XML), "mx", "moodle-xml", "--map", "PM=alpha:1.1")
    assert lines[-1] == "4 added, 0 changed, 0 unchanged, 1 not importable"
    text = "\n".join(lines)
    assert "numerical question 'Days' is not supported" in text
    assert "'Constraints': 50% on 'Scope', 50% on 'Time', -100% on 'Lunch'" in text
    assert "'Sponsor': 33.3333% on 'PM'" in text and "'Charter': 50% on 'chart'" in text
    rows = {q.key: (q, db.session.get(QuestionVersion, q.id).content) for q in bank_questions("mx")}
    question, content = rows["mx-constraints"]
    assert (question.type, question.domain, question.task, question.category) == ("multiple", "alpha", "1.1",
                                                                                  "$course$/top/PM")
    assert content["stem_html"] == "<p>Which <b>two</b>?</p>"  # HTML kept, the script removed
    assert content["tags"] == ["capm", "week-1"] and content["explanation"] == "Scope and time."
    assert [(o["text"], o["correct"], o["rationale"]) for o in content["options"]] == [
        ("Scope", True, "Yes"), ("Time", True, "Yes"), ("Lunch", False, "No")]
    assert rows["mx-sponsor"][1]["stem_html"] == "<p>Who signs? #1 &lt;b&gt;</p>"  # text, not Markdown
    matching = rows["mx-roles"][1]
    assert [(o["text"], o["match"]) for o in matching["options"]] == [("PO", "r1"), ("SM", "r2")]
    assert [c["text"] for c in matching["choices"]] == ["Value", "Process", "Contract"]
    assert rows["mx-charter"][1]["answers"] == ["charter", "project charter"]


# The report and the transaction -------------------------------------------------------------------------------

def test_dry_run_changes_nothing_and_says_what_would_happen(runner, quiz_imported, tmp_path):
    before = versions()
    code, lines = run(runner, IN_CATEGORY, "dry", "gift", "--domain", "alpha", "--dry-run")
    assert lines[0].startswith("Dry run:") and "will be added:" in lines
    assert lines[-1] == "4 added, 0 changed, 0 unchanged, 0 not importable"
    assert versions() == before and db.session.scalar(select(QuestionBank).where(QuestionBank.slug == "dry")) is None


def test_service_plan_and_apply_give_the_same_report(app, quiz_imported):
    request = ImportRequest(bank="svc", format="gift", domain="alpha")
    planned = plan_import(IN_CATEGORY.read_bytes(), request, "in.gift")
    applied = apply_import(IN_CATEGORY.read_bytes(), request, "in.gift")
    db.session.commit()
    assert [(e.status, e.line, e.key) for e in planned.entries] == [(e.status, e.line, e.key) for e in applied.entries]
    assert planned.digest == applied.digest and (planned.applied, applied.applied) == (False, True)
    assert plan_import(IN_CATEGORY.read_bytes(), request).summary() == \
        "0 added, 0 changed, 4 unchanged, 0 not importable"


@pytest.mark.parametrize(("data", "why"), [
    (b"::Q:: Fine? {T}\n\x00\x01\x02", "NUL bytes"),
    (b"::Q:: Caf\xe9? {T}\n", "not UTF-8 text (byte 0xE9 at offset 9)"),
    (b"\xff\xfe\x00\x00garbage", "not UTF-8 text"),
])
def test_hostile_files_are_reported_not_importable_and_nothing_is_written(runner, quiz_imported, tmp_path, data,
                                                                          why):
    code, lines = run(runner, write(tmp_path, "h.gift", data), "hostile", "gift", "--domain", "alpha")
    assert (code, lines[-1]) == (1, "0 added, 0 changed, 0 unchanged, 1 not importable")
    assert why in "\n".join(lines) and bank_questions("hostile") == []


def test_xml_bombs_and_external_entities_are_refused(runner, quiz_imported, tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c SYSTEM "file:///etc/passwd">]><quiz><question type="shortanswer"><name><text>&b;&c;</text>'
            '</name></question></quiz>')
    code, lines = run(runner, write(tmp_path, "bomb.xml", bomb), "bomb", "moodle-xml", "--domain", "alpha")
    assert (code, lines[-1]) == (1, "0 added, 0 changed, 0 unchanged, 1 not importable")
    assert "declares a DTD or entities" in "\n".join(lines)
    for broken in ("<quiz><question", "<html><body/></html>", "not xml at all"):
        assert run(runner, write(tmp_path, "b.xml", broken), "bomb", "moodle-xml", "--domain", "alpha")[1][-1] == \
            "0 added, 0 changed, 0 unchanged, 1 not importable"


def test_import_gift_still_works_and_ends_with_the_summary(runner, quiz_imported):
    result = runner.invoke(args=["questions", "import-gift", str(IN_CATEGORY), "--bank", "legacy", "--domain",
                                 "alpha"])
    assert result.exit_code == 0 and result.output.rstrip().split("\n")[-1] == \
        "4 added, 0 changed, 0 unchanged, 0 not importable"


def test_moodle_gift_fixture_types_formats_and_weights(runner, quiz_imported):
    path = MOODLE / "gift-questions.gift.txt"
    code, lines = run(runner, path, "fx", "gift", "--domain", "alpha")
    text = "\n".join(lines)
    assert lines[-1] == "6 added, 0 changed, 0 unchanged, 3 not importable"
    assert f"{path}:2: " in text and "essay question" in text  # ::Q8:: How are you? {}
    assert f"{path}:31: " in text and "numerical question" in text  # ::Q5::
    assert f"{path}:49: '2-08 TSL' - the same question as line 46" in text  # {T} and {TRUE}: one question
    assert "'colours': 50% on 'yellow', -100% on 'red', 50% on 'off-beige', -100% on 'blue'" in text
    assert "'Shortanswer': 50% on 'Cat'" in text
    rows = {q.key: (q, db.session.get(QuestionVersion, q.id).content) for q in bank_questions("fx")}
    activities = rows["fx-moodle-activities"][1]
    assert (activities["type"], activities["format"], activities["stem_html"]) == (
        "matching", "html", "Match the <b>activity</b> to the description.")
    assert rows["fx-colours"][1]["type"] == "multiple" and rows["fx-q1"][1]["explanation"].startswith("This is, of")


def test_moodle_xml_export_with_one_category(runner, quiz_imported):
    code, lines = run(runner, MOODLE / "xml-export_category.xml", "fx", "moodle-xml", "--map", "Alpha=beta")
    assert (code, lines[-1]) == (0, "1 added, 0 changed, 0 unchanged, 0 not importable")
    [question] = bank_questions("fx")
    assert (question.key, question.category, question.domain) == ("fx-alpha-question", "$course$/Alpha", "beta")
