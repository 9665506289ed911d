"""Question banks in the browser: filter, create each type with a preview, edit as a new version, retire, restore."""

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.models import Question, QuestionVersion
from tests.conftest import csrf_from

BANKS = "/instructor/banks"
NEW = "/instructor/banks/questions/new"

BODIES = {
    "single": "Which one is a project?\n\n- [x] Building a new clinic wing\n  Temporary and unique.\n"
              "- [ ] Running the help desk daily\n  Ongoing operations.\n\nExplanation: Projects are temporary.\n",
    "multiple": "Which TWO are agile values?\n\n- [x] Individuals and interactions\n  Yes.\n- [x] Working software here"
                "\n"
                "  Yes.\n- [ ] Comprehensive documentation first\n  No.\n\nExplanation: The manifesto.\n",
    "matching": "Match the role.\n\n- Product owner => Orders the backlog\n  Value.\n- Scrum master => Serves the team"
                "\n"
                "  Coach.\n- => Approves the budget\n  Nobody here.\n\nExplanation: Scrum roles.\n",
    "fill_in": "The document that authorizes a project is the project ____.\n\nanswer: charter | project charter\n\n"
               "Explanation: The charter.\n",
    "hotspot": "Click the dot.\n\n- [x] The dot {x=0 y=0 w=50 h=50}\n  There.\n- [ ] Elsewhere {x=50 y=50 w=50 h=50}\n"
               "  Not there.\n\nExplanation: The dot is top left.\n",
}


def question_data(client, kind="single", key=None, **changes):
    data = {"bank": "demo", "key": key or f"studio-{kind.replace('_', '-')}", "type": kind, "domain": "fundamentals",
            "task": "1.1", "difficulty": "medium", "lesson": "demo/first", "pool": "exam",
            "image": "dot.png" if kind == "hotspot" else "", "body": BODIES[kind], "action": "save",
            "csrf_token": csrf_from(client, BANKS)}
    data.update(changes)
    return data


def row(key):
    db.session.expire_all()
    return db.session.scalar(select(Question).where(Question.key == key))


def versions(key):
    return db.session.scalars(select(QuestionVersion.number).join(Question).where(Question.key == key)
                              .order_by(QuestionVersion.number)).all()


@pytest.mark.parametrize("role, status", [("learner", 403), ("instructor", 200), ("admin", 200)])
def test_only_instructors_open_the_banks(client, imported, make_user, login, role, status):
    login(make_user(role=role))
    assert client.get(BANKS).status_code == status
    assert client.get(NEW).status_code == status
    assert client.get("/instructor/banks/questions/demo-001/edit").status_code == status


def test_learners_cannot_create_preview_or_retire(client, imported, learner, login):
    login(learner)
    data = question_data(client)
    assert client.post(NEW, data=data).status_code == 403
    assert client.post("/instructor/banks/preview", data=data).status_code == 403
    assert client.post("/instructor/banks/questions/demo-001/retire", data=data).status_code == 403
    assert client.post("/instructor/banks/create", data=data).status_code == 403
    assert row("studio-single") is None and not row("demo-001").retired


@pytest.mark.parametrize("kind", list(BODIES))
def test_an_instructor_creates_a_question_of_each_type(client, imported, instructor, login, kind):
    login(instructor)
    response = client.post(NEW, data=question_data(client, kind))
    assert response.status_code == 302, response.get_data(as_text=True)
    key = f"studio-{kind.replace('_', '-')}"
    question = row(key)
    assert question.type == kind and question.version == 1 and question.lesson_id is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Question {key} created (version 1)." in page
    assert key in client.get(BANKS, query_string={"type": kind}).get_data(as_text=True)


def test_the_preview_shows_the_question_as_the_learner_sees_it_sanitized(client, imported, instructor, login):
    login(instructor)
    body = BODIES["single"].replace("Which one", "Which <script>alert(1)</script>**one**")
    response = client.post("/instructor/banks/preview", data=question_data(client, body=body))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>one</strong>" in html and "<script>" not in html
    assert html.count('type="radio"') == 2 and "Building a new clinic wing" in html
    matching = client.post("/instructor/banks/preview", data=question_data(client, "matching")).get_data(as_text=True)
    assert matching.count("Choose a match") == 2 and "Approves the budget" in matching
    assert row("studio-single") is None  # a preview saves nothing


def test_the_preview_lists_what_content_check_would_fail(client, imported, instructor, login):
    login(instructor)
    broken = question_data(client, body="Which one?\n\n- [x] A\n- [x] B\n", lesson="demo/nope")
    html = client.post("/instructor/banks/preview", data=broken).get_data(as_text=True)
    assert "exactly one right option, found 2" in html and "has no explanation" in html
    assert "unknown lesson &#39;demo/nope&#39;" in html or "unknown lesson 'demo/nope'" in html
    assert client.post("/instructor/banks/preview", data={**broken, "csrf_token": ""}).status_code == 400


@pytest.mark.parametrize("changes, reason", [
    ({"body": "Which one?\n\n- [x] A\n  a\n- [ ] B\n  b\n"}, "has no explanation"),
    ({"lesson": "demo/nope"}, "unknown lesson"),
    ({"task": "9.9"}, "unknown task"),
    ({"domain": "astrology"}, "unknown domain"),
    ({"key": "demo-001"}, "is already used"),
    ({"key": "bad id!"}, "bad question id"),
    ({"check": "y", "pool": "final"}, "knowledge check and in the &#39;final&#39; pool"),
    ({"bank": "nope"}, "unknown bank"),
    ({"type": "essay"}, "unknown type"),
    ({"body": "x" * 25_000}, "longer than"),
    ({"body": BODIES["single"] + "\n## another\n\ntype: single\n"}, "more than one question"),
])
def test_a_question_that_content_check_would_fail_is_refused_with_its_reasons(client, imported, instructor, login,
                                                                            changes, reason):
    login(instructor)
    data = question_data(client, **changes)
    response = client.post(NEW, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page
    assert "Not saved" in page
    assert data["body"][:30].replace("<", "&lt;") in page  # the typed text is kept
    assert db.session.scalar(select(Question.id).where(Question.key == data["key"].strip())) is None or \
        data["key"] == "demo-001"
    assert versions("demo-001") == [1]


def test_a_length_cue_is_saved_with_a_warning(client, imported, instructor, login):
    login(instructor)
    cued = BODIES["single"].replace("Building a new clinic wing",
                                    "Building a new clinic wing with a temporary team and a unique result")
    response = client.post(NEW, data=question_data(client, body=cued), follow_redirects=True)
    assert "Warning (content check would warn too)" in response.get_data(as_text=True)
    assert "length gives it away" in response.get_data(as_text=True)
    assert row("studio-single") is not None


def test_editing_makes_a_new_version_and_old_attempts_keep_theirs(client, imported, instructor, login):
    login(instructor)
    page = client.get("/instructor/banks/questions/demo-001/edit").get_data(as_text=True)
    assert "Which is a project?" in page and "- [x] Launching a patient portal" in page
    data = question_data(client, key="demo-001", lesson="demo/first", check="y", difficulty="easy",
                         body="Which is a project, really?\n\n- [x] Launching a patient portal\n  Temporary, unique "
                              "result.\n- [ ] Running the help desk\n  Ongoing operations.\n\nExplanation: Projects "
                              "are temporary.\n")
    response = client.post("/instructor/banks/questions/demo-001/edit", data=data, follow_redirects=True)
    assert "Saved as version 2 of demo-001." in response.get_data(as_text=True)
    assert versions("demo-001") == [1, 2]
    first = db.session.scalar(select(QuestionVersion.content).join(Question).where(
        Question.key == "demo-001", QuestionVersion.number == 1))
    assert first["stem"] == "Which is a project?"  # the old version is untouched
    response = client.post("/instructor/banks/questions/demo-001/edit", data=data, follow_redirects=True)
    assert "No changes to save." in response.get_data(as_text=True) and versions("demo-001") == [1, 2]


def test_an_unchanged_save_of_an_imported_question_adds_no_version(client, imported, instructor, login):
    login(instructor)
    page = client.get("/instructor/banks/questions/demo-001/edit").get_data(as_text=True)
    assert 'value="demo/first" selected' in page
    data = question_data(client, key="demo-001", check="y", difficulty="easy",
                         body="Which is a project?\n\n- [x] Launching a patient portal\n  Temporary, unique result.\n"
                              "- [ ] Running the help desk\n  Ongoing operations.\n\nExplanation: Projects are "
                              "temporary.\n")
    response = client.post("/instructor/banks/questions/demo-001/edit", data=data, follow_redirects=True)
    assert "No changes to save." in response.get_data(as_text=True)
    assert versions("demo-001") == [1]


def test_retire_and_restore_a_question(client, imported, instructor, login):
    login(instructor)
    csrf = csrf_from(client, BANKS)
    client.post("/instructor/banks/questions/demo-001/retire", data={"csrf_token": csrf})
    assert row("demo-001").retired
    assert ">demo-001</a>" not in client.get(BANKS).get_data(as_text=True)
    assert ">demo-001</a>" in client.get(BANKS, query_string={"retired": "yes"}).get_data(as_text=True)
    client.post("/instructor/banks/questions/demo-001/restore", data={"csrf_token": csrf})
    assert not row("demo-001").retired
    assert client.post("/instructor/banks/questions/demo-001/retire", data={}).status_code == 400


def test_the_list_filters_by_bank_domain_task_type_pool_and_difficulty(client, quiz_imported, instructor, login):
    login(instructor)

    def keys(**args):
        html = client.get(BANKS, query_string=args).get_data(as_text=True)
        return {key for key in ("a-1", "b-1", "m-1", "f-1", "fin-a1") if f">{key}</a>" in html}

    assert keys() == {"a-1", "b-1", "m-1", "f-1", "fin-a1"}
    assert keys(bank="final") == {"fin-a1"}
    assert keys(domain="beta") == {"b-1", "f-1"} | ({"m-1"} & keys(domain="beta"))
    assert keys(type="fill_in") == {"f-1"}
    assert keys(pool="final") == {"fin-a1"}
    assert keys(difficulty="hard") == {"f-1"} | ({"m-1"} & keys(difficulty="hard"))
    assert "a-1" not in keys(task="2.1") and "b-1" in keys(task="2.1")


def test_flagged_items_are_listed_and_item_statistics_link_to_the_editor(client, quiz_imported, make_user,
                                                                        instructor, login, take):
    learners = [make_user(name=f"L{i}") for i in range(6)]
    for learner in learners[:3]:
        take(learner, right=lambda key: key != "a-1", mode="check", lesson="mini-course/intro")
    for learner in learners[3:]:
        take(learner, right=lambda key: key == "a-1", mode="check", lesson="mini-course/intro")
    login(instructor)
    items = client.get("/instructor/courses/mini-course/items").get_data(as_text=True)
    assert 'href="/instructor/banks/questions/a-1/edit"' in items
    flagged = client.get(BANKS, query_string={"flagged": "1"}).get_data(as_text=True)
    assert ">a-1</a>" in flagged and "negative discrimination" in flagged
    assert ">b-1</a>" not in flagged


def test_a_new_bank_takes_questions(client, imported, instructor, login):
    login(instructor)
    csrf = csrf_from(client, BANKS)
    response = client.post("/instructor/banks/create", data={"slug": "extra", "title": "Extra bank", "course": "demo",
                                                             "csrf_token": csrf})
    assert response.status_code == 302 and "bank=extra" in response.headers["Location"]
    assert client.post(NEW, data=question_data(client, bank="extra", key="extra-1")).status_code == 302
    again = client.post("/instructor/banks/create", data={"slug": "extra", "title": "Again", "course": "demo",
                                                          "csrf_token": csrf}, follow_redirects=True)
    assert "already exists" in again.get_data(as_text=True)


def test_hostile_input_is_refused_and_what_was_saved_stays(client, imported, instructor, login):
    login(instructor)
    data = question_data(client, key="demo-001")
    url = "/instructor/banks/questions/demo-001/edit"
    assert client.post(url, data={**data, "body": "a\x00b"}).status_code == 400
    assert client.post(url, data='{"body": "\\ud800"}', content_type="application/json",
                       headers={"X-CSRFToken": data["csrf_token"]}).status_code == 400
    assert client.post(url, data={**data, "body": "x" * (10 * 1024 * 1024)}).status_code == 413
    assert client.post(url, data={**data, "task": "9" * 40}).status_code == 422
    assert client.get("/instructor/banks/questions/" + "x" * 500 + "/edit").status_code == 404
    assert client.get(BANKS, query_string={"page": "9" * 30}).status_code == 404
    assert versions("demo-001") == [1]


def test_editing_an_imported_gift_question_keeps_its_category_and_plain_text(client, imported, instructor, login):
    from learnpm.quizzes.importing import ImportRequest, apply_import

    gift = b"$CATEGORY: $course$/top/fundamentals\n\n::Heading mark::Which mark starts a heading? {=\\# ~* ~>}\n"
    apply_import(gift, ImportRequest(bank="moodle", format="gift", domain="fundamentals"), "in.gift")
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.category.is_not(None)))
    login(instructor)
    listed = client.get(BANKS, query_string={"category": "$course$/top/fund"}).get_data(as_text=True)
    assert f">{question.key}</a>" in listed and "Category: $course$/top/fundamentals" in listed
    page = client.get(f"/instructor/banks/questions/{question.key}/edit").get_data(as_text=True)
    assert "imported as plain text" in page
    data = question_data(client, key=question.key, bank="moodle", body=page.split('name="body"')[1]
                         .split(">", 1)[1].split("</textarea>")[0].replace("&gt;", ">").replace("&#39;", "'")
                         .replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"')
                         .replace("Explanation:", "Explanation: A heading starts with #."))
    response = client.post(f"/instructor/banks/questions/{question.key}/edit", data=data, follow_redirects=True)
    assert "Saved as version 2" in response.get_data(as_text=True), response.get_data(as_text=True)
    saved = row(question.key)
    content = db.session.scalar(select(QuestionVersion.content).where(QuestionVersion.question_id == saved.id,
                                                                      QuestionVersion.number == 2))
    assert saved.category == "$course$/top/fundamentals" and content["format"] == "plain"
    assert content["options"][0]["html"] == "#"  # shown as text, never an empty <h1>


def test_editing_a_retired_question_keeps_it_retired(client, imported, instructor, login):
    login(instructor)
    client.post("/instructor/banks/questions/demo-001/retire", data={"csrf_token": csrf_from(client, BANKS)})
    data = question_data(client, key="demo-001", check="y", body=BODIES["single"])
    response = client.post("/instructor/banks/questions/demo-001/edit", data=data, follow_redirects=True)
    assert "Saved as version 2 of demo-001." in response.get_data(as_text=True)
    assert row("demo-001").retired
