"""A scenario set's member edited in the browser keeps its case and its place; the export writes the set back."""

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.models import Question, QuestionVersion
from tests.conftest import csrf_from
from tests.quizzes.test_scenario_sets import CASE, FRONT, item


@pytest.fixture
def quiz_content(quiz_content):
    (quiz_content / "media/cases").mkdir(parents=True)
    (quiz_content / "media/cases/warehouse.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10"><rect width="5" '
        'height="5"/></svg>')
    (quiz_content / "questions/sets.md").write_text(FRONT + CASE + item("s-1") + item("s-2") + item("s-3"))
    return quiz_content


def test_a_set_member_keeps_its_case_when_edited_and_exports_as_a_set(client, runner, quiz_imported, instructor,
                                                                     login, tmp_path):
    login(instructor)
    url = "/instructor/banks/questions/s-2/edit"
    page = client.get(url).get_data(as_text=True)
    assert "scenario set <strong>case-1</strong> (question 2 of 3" in page and "The warehouse move" in page
    body = item("s-2").split("lesson: intro\nset: case-1\n", 1)[1].replace("which is right?", "which is best?")
    response = client.post(url, data={"bank": "sets", "key": "s-2", "type": "single", "domain": "alpha",
                                      "task": "1.1", "difficulty": "medium", "lesson": "mini-course/intro",
                                      "pool": "exam", "body": body, "csrf_token": csrf_from(client, url)},
                           follow_redirects=True)
    assert "Saved as version 2 of s-2." in response.get_data(as_text=True)
    content = db.session.scalar(select(QuestionVersion.content).join(Question).where(
        Question.key == "s-2", QuestionVersion.number == 2))
    assert content["stem"].endswith("which is best?")
    assert (content["case"]["id"], content["case"]["index"], content["case"]["size"]) == ("case-1", 2, 3)
    assert content["case"]["image"] == "cases/warehouse.svg"
    out = tmp_path / "out"
    assert runner.invoke(args=["content", "export", str(out)]).exit_code == 0
    written = (out / "questions/sets.md").read_text()
    assert written.count("## case: case-1") == 1 and written.count("set: case-1") == 3
    assert written.index("## case: case-1") < written.index("## s-1")
    check = runner.invoke(args=["content", "check", str(out)])
    assert check.exit_code == 0, check.output
