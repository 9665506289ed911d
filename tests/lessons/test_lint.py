"""`learnpm content check`: each fault gets a file:line message; all of them are reported."""

from pathlib import Path

from learnpm.lessons.lint import check_content, errors


def messages(root: Path) -> list[str]:
    _tree, problems = check_content(root)
    return [f"{Path(p.path).relative_to(root)}:{p.line}: {p.message}" for p in errors(problems)]


def test_the_small_tree_is_clean(content):
    assert messages(content) == []


def test_the_shipped_content_is_clean():
    root = Path(__file__).resolve().parents[2] / "content"
    assert messages(root) == []


def test_broken_yaml_is_reported_at_its_line(content):
    path = content / "courses/demo/01-basics/01-first.md"
    path.write_text("---\ntitle: First\nduration: [10\ndomain: fundamentals\n---\nBody\n")
    found = messages(content)
    assert any(m.startswith("courses/demo/01-basics/01-first.md:") and "invalid YAML" in m for m in found)


def test_missing_and_wrong_typed_fields_quote_the_value(content):
    path = content / "courses/demo/01-basics/02-second.md"
    path.write_text("---\nduration: ten\ndomain: marketing\nobjectives: learn it\n---\n\nSome text.\n")
    found = messages(content)
    assert "courses/demo/01-basics/02-second.md:1: title is required (a text), got None" in found
    assert "courses/demo/01-basics/02-second.md:2: duration must be whole minutes from 1 to 600, got 'ten'" in found
    assert any(m.startswith("courses/demo/01-basics/02-second.md:3: unknown domain 'marketing'") for m in found)
    assert "courses/demo/01-basics/02-second.md:4: objectives must be a list of texts, got 'learn it'" in found


def test_duplicate_slugs_are_refused(content):
    (content / "courses/demo/02-more/02-first.md").write_text(
        (content / "courses/demo/01-basics/01-first.md").read_text().replace("../../../media", "../../../media"))
    assert any("duplicate slug 'first'" in m for m in messages(content))


def test_links_to_missing_lessons_or_outside_content_are_errors(content):
    path = content / "courses/demo/01-basics/02-second.md"
    path.write_text(path.read_text() + "\nSee [gone](03-gone.md) and ![pw](../../../../../etc/passwd).\n")
    found = messages(content)
    assert any("link '03-gone.md' points to no lesson or media file" in m for m in found)
    assert any("'../../../../../etc/passwd' leaves the content folder" in m for m in found)


def test_a_lesson_that_links_to_itself_is_fine(content):
    path = content / "courses/demo/01-basics/02-second.md"
    path.write_text(path.read_text() + "\nLoop: [this lesson](02-second.md) and [again](02-second.md#intro).\n")
    assert messages(content) == []


def test_empty_binary_and_enormous_lessons_are_errors(content):
    module = content / "courses/demo/02-more"
    (module / "02-empty.md").write_text("---\ntitle: Empty\nduration: 5\ndomain: agile\n---\n\n")
    (module / "03-binary.md").write_bytes(b"---\x00\x01\x02binary")
    (module / "04-huge.md").write_text("---\ntitle: Huge\nduration: 5\ndomain: agile\n---\n" + "word " * 300_000)
    found = messages(content)
    assert "courses/demo/02-more/02-empty.md:6: lesson is empty: it has front matter but no text" in found
    assert "courses/demo/02-more/03-binary.md:1: file is binary, not Markdown text" in found
    assert any(m.startswith("courses/demo/02-more/04-huge.md:1: file is 1,500,") for m in found)


def test_a_duration_the_text_cannot_support_fails_and_a_little_high_warns(content):
    path = content / "courses/demo/01-basics/02-second.md"
    # 547 words / 130 + 5 activity = 9.2 minutes estimated, no check questions
    path.write_text(path.read_text().replace("duration: 10", "duration: 30"))
    assert any("duration 30 is above the estimate of 9.2 minutes" in m and "cannot support" in m
               for m in messages(content))
    path.write_text(path.read_text().replace("duration: 30", "duration: 12"))
    _tree, problems = check_content(content)
    warnings = [p.message for p in problems if p.severity == "warning"]
    assert not errors(problems)
    assert any("duration 12 is above the estimate" in w for w in warnings)


def test_activity_minutes_must_match_the_text(content):
    path = content / "courses/demo/01-basics/02-second.md"
    path.write_text(path.read_text().replace("activity_minutes: 5", "activity_minutes: 20"))
    assert any("activity_minutes is 20 but the text's '(N minutes)' headings add up to 5" in m
               for m in messages(content))


def test_raw_html_only_warns(content):
    path = content / "courses/demo/01-basics/02-second.md"
    path.write_text(path.read_text() + "\n<script>alert(1)</script>\n")
    _tree, problems = check_content(content)
    assert not errors(problems)
    assert any("raw HTML" in p.message and p.severity == "warning" for p in problems)


def test_bank_errors_unknown_domain_task_and_lesson(content):
    bank = content / "questions/demo.md"
    bank.write_text(bank.read_text().replace("domain: fundamentals", "domain: finance")
                    + bank.read_text().split("---\n", 2)[2].replace("demo-001", "demo-002")
                    .replace('task: "1.1"', 'task: "9.9"').replace("lesson: first", "lesson: nowhere"))
    found = messages(content)
    assert any("questions/demo.md:10: unknown domain 'finance'" in m for m in found)
    assert any("unknown task '9.9' in domain 'fundamentals'" in m for m in found)
    assert any("unknown lesson 'nowhere'" in m for m in found)


def test_every_error_is_reported_not_only_the_first(content):
    (content / "courses/demo/01-basics/02-second.md").write_text("no front matter")
    (content / "courses/demo/02-more/01-third.md").write_text("---\ntitle: [\n---\n")
    (content / "courses/demo/course.md").write_text("---\ntitle: Demo\nprogram: pmp\n---\n")
    found = messages(content)
    assert any(m.startswith("courses/demo/01-basics/02-second.md:1: missing front matter") for m in found)
    assert any(m.startswith("courses/demo/02-more/01-third.md:") for m in found)
    assert any("unknown program 'pmp'" in m for m in found)


def test_check_command_exit_codes(runner, content):
    ok = runner.invoke(args=["content", "check", str(content)])
    assert ok.exit_code == 0, ok.output
    (content / "courses/demo/01-basics/02-second.md").write_text("no front matter")
    bad = runner.invoke(args=["content", "check", str(content)])
    assert bad.exit_code == 1
    assert "02-second.md:1: missing front matter" in bad.output


def test_a_program_is_keyed_by_its_file_name_and_may_leave_the_key_out(content):
    program = content / "programs/capm.yml"
    text = program.read_text()
    assert "key: capm\n" in text
    program.write_text(text.replace("key: capm\n", ""))
    tree, _problems = check_content(content)
    assert messages(content) == [] and tree.programs["capm"].key == "capm"
    program.write_text(text.replace("key: capm\n", "key: pmp\n"))
    assert "programs/capm.yml:1: key 'pmp' must equal the file name 'capm' (or be left out)" in messages(content)


def test_missing_titles_quote_what_was_there(content):
    course = content / "courses/demo/course.md"
    course.write_text(course.read_text().replace("title: ", "title: 42\nsubtitle: ", 1))
    module = content / "courses/demo/01-basics/module.md"
    module.write_text("---\ntitle: [a, b]\n---\n")
    found = messages(content)
    assert "courses/demo/course.md:2: course title is required (a text), got 42" in found
    assert "courses/demo/01-basics/module.md:2: module title is required (a text), got ['a', 'b']" in found
