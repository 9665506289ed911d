"""What the studio builds goes back to files: `content export`, then `content import` into an empty database,
gives the same courses, modules, lessons and questions; importing the export again changes nothing."""

from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson, Module
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion
from tests.conftest import _empty_tables, csrf_from
from tests.studio.test_banks import BODIES, question_data
from tests.studio.test_courses import course_data

LESSON_BODY = ("Agile teams deliver in small steps. " * 40 + "\n\n## Try it (5 minutes)\n\nPlan one sprint.\n\n"
               "See [roles](02-scrum-roles.md).\n")


def snapshot() -> dict:
    db.session.expire_all()
    lessons = {lesson.id: f"{lesson.course.slug}/{lesson.slug}" for lesson in db.session.scalars(select(Lesson))}
    return {
        "courses": sorted((c.slug, c.title, c.program.key, c.intro_md, c.assessment, c.published)
                          for c in db.session.scalars(select(Course))),
        "modules": sorted((m.course.slug, m.slug, m.title, m.position, m.dirname, m.body_md)
                          for m in db.session.scalars(select(Module).where(Module.retired.is_(False)))),
        "lessons": sorted((lessons[x.id], x.title, x.duration_minutes, x.domain, x.objectives, x.activity_minutes,
                           x.body_md, x.html, x.draft, x.position, x.filename)
                          for x in db.session.scalars(select(Lesson).where(Lesson.retired.is_(False)))),
        "questions": sorted((q.key, bank, q.type, q.domain, q.task, q.difficulty, lessons.get(q.lesson_id), q.check,
                             q.pool, str(sorted(content.items())))
                            for q, bank, content in db.session.execute(
                                select(Question, QuestionBank.slug, QuestionVersion.content)
                                .join(QuestionBank, QuestionBank.id == Question.bank_id)
                                .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                                      & (QuestionVersion.number == Question.version))
                                .where(Question.retired.is_(False)))),
    }


def build_in_the_browser(client):
    csrf = csrf_from(client, "/instructor/lessons")
    assert client.post("/instructor/courses/new", data=course_data(client, questions="1", minutes="10",
                                                                   pass_percent="50")).status_code == 302
    client.post("/instructor/courses/agile-basics/modules", data={"title": "Getting started", "csrf_token": csrf})
    for title in ("Why agile", "Scrum roles", "Old lesson"):
        client.post("/instructor/courses/agile-basics/modules/getting-started/lessons",
                    data={"title": title, "domain": "agile", "csrf_token": csrf})
    edit = "/instructor/courses/agile-basics/lessons/why-agile/edit"
    response = client.post(edit, data={"title": "Why agile", "duration": "12", "domain": "agile",
                                       "activity_minutes": "5", "objectives": "Explain agile\nName its values",
                                       "body": LESSON_BODY, "csrf_token": csrf})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/instructor/courses/agile-basics/lessons/why-agile/publish", data={"csrf_token": csrf})
    client.post("/instructor/courses/agile-basics/lessons/old-lesson/status/retire", data={"csrf_token": csrf})
    client.post("/instructor/courses/agile-basics/lessons/scrum-roles/move/up", data={"csrf_token": csrf})
    client.post("/instructor/banks/create", data={"slug": "agile-bank", "title": "Agile: questions",
                                                  "course": "agile-basics", "csrf_token": csrf})
    for kind in BODIES:
        response = client.post("/instructor/banks/questions/new", data=question_data(
            client, kind, bank="agile-bank", domain="agile", task="3.1", lesson="agile-basics/why-agile"))
        assert response.status_code == 302, response.get_data(as_text=True)
    outline = client.get("/instructor/courses/agile-basics/outline").get_data(as_text=True)
    assert "the &#39;final&#39; pool holds 0" in outline  # what content check would fail, said before the export
    for number in (1, 2):
        body = BODIES["single"].replace("Which one", f"Final {number}: which one")
        response = client.post("/instructor/banks/questions/new", data=question_data(
            client, bank="agile-bank", key=f"agile-final-{number}", domain="agile", task="3.1", pool="final",
            lesson="agile-basics/why-agile", body=body))
        assert response.status_code == 302, response.get_data(as_text=True)
    assert "pool holds" not in client.get("/instructor/courses/agile-basics/outline").get_data(as_text=True)


def test_export_then_import_into_an_empty_database_gives_the_same_content(app, client, runner, imported, instructor,
                                                                          login, tmp_path):
    login(instructor)
    build_in_the_browser(client)
    before = snapshot()
    assert [x[0] for x in before["lessons"] if x[0].startswith("agile-basics/")] == [
        "agile-basics/scrum-roles", "agile-basics/why-agile"]
    assert len([q for q in before["questions"] if q[1] == "agile-bank"]) == 7
    out = tmp_path / "exported"
    result = runner.invoke(args=["content", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "courses/agile-basics/01-getting-started/01-scrum-roles.md").is_file()
    assert (out / "questions/agile-bank.md").is_file()
    check = runner.invoke(args=["content", "check", str(out)])
    assert check.exit_code == 0, check.output

    again = runner.invoke(args=["content", "import", str(out)])
    assert again.exit_code == 0 and "no changes" in again.output, again.output

    _empty_tables()
    result = runner.invoke(args=["content", "import", str(out)])
    assert result.exit_code == 0, result.output
    after = snapshot()
    for part in ("courses", "modules", "lessons", "questions"):
        assert after[part] == before[part], part
