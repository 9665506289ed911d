"""`learnpm questions import-gift / import-aiken / export-gift` on the command line."""

from pathlib import Path

from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.models import Question, QuestionBank

DATA = Path(__file__).with_name("data")


def test_import_gift_keeps_what_maps_and_lists_the_rest_with_lines(runner, quiz_imported, tmp_path):
    gift = tmp_path / "bank.gift"
    gift.write_text("$CATEGORY: mini/alpha\n\n::Q1:: Which? {=Right ~Wrong}\n\n"
                    "::Num:: How many? {#3:1}\n\n::Essay:: Discuss. {}\n\n"
                    "$CATEGORY: mini/beta\n\n::Q2:: Truth? {T}\n")
    result = runner.invoke(args=["questions", "import-gift", str(gift), "--bank", "moodle"])
    assert result.exit_code == 1  # some items could not be imported, and each is named
    assert f"{gift}:5:" in result.output and f"{gift}:7:" in result.output
    questions = db.session.scalars(select(Question).join(QuestionBank).where(QuestionBank.slug == "moodle")).all()
    assert sorted((q.key, q.domain, q.type) for q in questions) == [
        ("moodle-q1", "alpha", "single"), ("moodle-q2", "beta", "single")]


def test_import_gift_every_feature_file_then_export_it_back(runner, quiz_imported, tmp_path):
    result = runner.invoke(args=["questions", "import-gift", str(DATA / "every_feature.gift"), "--bank", "all",
                                 "--domain", "alpha"])
    assert "14 added" in result.output, result.output
    out = tmp_path / "out.gift"
    exported = runner.invoke(args=["questions", "export-gift", "--bank", "all", str(out)])
    assert exported.exit_code == 0
    assert out.read_text().count("::all-") == 14


def test_import_gift_refuses_unknown_domains_programs_and_missing_files(runner, quiz_imported, tmp_path):
    gift = tmp_path / "b.gift"
    gift.write_text("Q {=a ~b}\n")
    assert "Unknown domain" in runner.invoke(args=["questions", "import-gift", str(gift), "--bank", "b",
                                                   "--domain", "gamma"]).output
    assert "No program" in runner.invoke(args=["questions", "import-gift", str(gift), "--bank", "b",
                                               "--program", "pmp"]).output
    assert runner.invoke(args=["questions", "import-gift", str(tmp_path / "none.gift"), "--bank", "b"]).exit_code == 2


def test_import_aiken(runner, quiz_imported, tmp_path):
    aiken = tmp_path / "a.txt"
    aiken.write_text("What is a project?\nA. Temporary\nB. Ongoing\nANSWER: A\n\nBroken?\nA. x\nANSWER: Z\n")
    result = runner.invoke(args=["questions", "import-aiken", str(aiken), "--bank", "aik", "--domain", "beta"])
    assert "1 added" in result.output and result.exit_code == 1 and f"{aiken}:6:" in result.output
