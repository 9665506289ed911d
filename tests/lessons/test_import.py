"""`learnpm content import`: all or nothing, idempotent, keyed by slugs, retiring what is gone."""

from sqlalchemy import func, select

from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson, LessonRevision, MediaFile


def run_import(runner, root):
    return runner.invoke(args=["content", "import", str(root)])


def lessons_by_slug() -> dict[str, Lesson]:
    db.session.expire_all()
    return {lesson.slug: lesson for lesson in db.session.scalars(select(Lesson))}


def test_import_then_import_again_changes_nothing(runner, content):
    first = run_import(runner, content)
    assert first.exit_code == 0, first.output
    assert "added: lesson demo/first" in first.output and "3 added" not in first.output
    assert "added: course demo" in first.output and "added: media dot.png" in first.output
    second = run_import(runner, content)
    assert second.exit_code == 0
    assert second.output.strip().startswith("no changes")
    assert db.session.scalar(select(func.count(LessonRevision.id))) == 3


def test_imported_lessons_store_rendered_html_with_resolved_links(runner, content):
    run_import(runner, content)
    first = lessons_by_slug()["first"]
    assert 'href="/courses/demo/second#section-one"' in first.html
    assert 'src="/media/dot.png"' in first.html
    assert first.toc[0] == {"id": "section-one", "title": "Section one", "level": 2}
    assert sorted(lesson.position for lesson in lessons_by_slug().values()) == [1, 2, 3]
    assert db.session.scalar(select(MediaFile)).content_type == "image/png"


def test_changing_a_lessons_text_keeps_its_row_and_adds_a_revision(runner, content):
    run_import(runner, content)
    original_id = lessons_by_slug()["second"].id
    path = content / "courses/demo/01-basics/02-second.md"
    path.write_text(path.read_text().replace("Do it.", "Do it carefully."))
    result = run_import(runner, content)
    assert "changed: lesson demo/second" in result.output
    second = lessons_by_slug()["second"]
    assert second.id == original_id and "Do it carefully." in second.html
    assert db.session.scalar(select(func.count(LessonRevision.id))
                             .where(LessonRevision.lesson_id == original_id)) == 2


def test_a_removed_lesson_is_retired_not_deleted(runner, content, client, learner, login):
    run_import(runner, content)
    (content / "courses/demo/02-more/01-third.md").unlink()
    result = run_import(runner, content)
    assert "retired: lesson demo/third" in result.output
    third = lessons_by_slug()["third"]
    assert third.retired
    login(learner)
    assert client.get("/courses/demo/third").status_code == 404
    # and it comes back when the file does
    (content / "courses/demo/02-more/01-third.md").write_text("---\ntitle: Third again\nduration: 5\n"
                                                             "domain: agile\n---\n\nBack.\n")
    run_import(runner, content)
    assert not lessons_by_slug()["third"].retired


def test_content_with_errors_imports_nothing_and_keeps_serving_the_old(runner, content, client, learner, login):
    run_import(runner, content)
    path = content / "courses/demo/01-basics/01-first.md"
    path.write_text(path.read_text().replace("First lesson", "First lesson, new title"))
    (content / "courses/demo/01-basics/02-second.md").write_text("---\ntitle: [broken\n---\n")
    result = run_import(runner, content)
    assert result.exit_code == 1
    assert "nothing imported" in result.output
    assert lessons_by_slug()["first"].title == "First lesson"
    login(learner)
    assert "First lesson" in client.get("/courses/demo/first").get_data(as_text=True)


def test_stats_prints_one_json_object(runner, content):
    import json

    result = runner.invoke(args=["content", "stats", str(content), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == {"courses": 1, "lessons": 3, "rated_minutes": 30, "questions": 1,
                                         "questions_by_domain": {"fundamentals": 1},
                                         "questions_by_pool": {"exam": 1, "final": 0, "extra": 0},
                                         "mock_items_by_domain": {},  # its one question is a knowledge check
                                         "questions_by_type": {"single": 1}, "key_longest_share": 1.0}


def test_export_writes_files_that_import_back_unchanged(runner, content, tmp_path):
    run_import(runner, content)
    out = tmp_path / "exported"
    result = runner.invoke(args=["content", "export", str(out)])
    assert result.exit_code == 0 and "wrote" in result.output
    assert (out / "courses/demo/01-basics/01-first.md").exists()
    assert (out / "media/dot.png").read_bytes() == (content / "media/dot.png").read_bytes()
    exported = (out / "courses/demo/01-basics/01-first.md").read_text()
    assert exported.startswith("---\ntitle: First lesson\n")
    assert db.session.scalar(select(func.count(Course.id))) == 1


def test_a_changed_program_definition_takes_effect_at_once(runner, content):
    """The parsed program is cached per process; an import that changes it must not be served stale."""
    run_import(runner, content)
    course = db.session.scalar(select(Course).where(Course.slug == "demo"))
    assert course.program.rules.target_hours == 23
    program = content / "programs/capm.yml"
    program.write_text(program.read_text().replace("target_hours: 23", "target_hours: 35"))
    result = run_import(runner, content)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    course = db.session.scalar(select(Course).where(Course.slug == "demo"))
    assert course.program.rules.target_hours == 35
