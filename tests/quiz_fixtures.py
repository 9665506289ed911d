"""Fixtures: a small program with a short mock exam, and a bank with every question type (a plugin)."""

from __future__ import annotations

import pytest

from tests.content_fixtures import import_checked

MINI_PROGRAM = """key: mini
title: Mini exam
version: "1"
target_hours: 1
exam:
  questions: 8
  minutes: 10
  pretest: 2
  sections:
    - questions: 4
      break_minutes: 5
    - questions: 4
  pass_percent: 60
domains:
  - key: alpha
    title: Alpha domain
    weight: 50
    tasks: [{key: "1.1", title: Task}]
  - key: beta
    title: Beta domain
    weight: 50
    tasks: [{key: "2.1", title: Task}]
ratings:
  - {label: Above Target, min_percent: 80}
  - {label: Target, min_percent: 65}
  - {label: Below Target, min_percent: 50}
  - {label: Needs Improvement, min_percent: 0}
"""


def single(key: str, domain: str, task: str, lesson: str = "", check: bool = False, pool: str = "exam") -> str:
    lesson_line = f"lesson: {lesson}\n" if lesson else "lesson: intro\n"
    return f"""## {key}

type: single
domain: {domain}
task: "{task}"
difficulty: easy
{lesson_line}check: {str(check).lower()}
pool: {pool}

Question {key}: which is right?

- [ ] Wrong one
  Because it is wrong.
- [x] Right one
  Because it is right.
- [ ] Also wrong
  Not this.

Explanation: The right one is right ({key}).

"""


OTHER_TYPES = """## m-1

type: multiple
domain: alpha
task: "1.1"
difficulty: medium
lesson: intro

Pick two. (Choose two.)

- [x] First right
  Yes.
- [ ] Wrong answer
  No.
- [x] Second
  Yes.

Explanation: Two are right.

## x-1

type: matching
domain: beta
task: "2.1"
difficulty: medium
lesson: intro

Match them.

- Critical path => Longest path
  The definition.
- Float => Slack time
  The definition.
- => A distractor
  Never matches.

Explanation: Matching.

## f-1

type: fill_in
domain: beta
task: "2.1"
difficulty: hard
lesson: intro

The document that authorizes a project is the project ______.

answer: charter | project charter

Explanation: The charter.

"""


@pytest.fixture
def quiz_content(tmp_path):
    root = tmp_path / "content"
    (root / "programs").mkdir(parents=True)
    (root / "programs/mini.yml").write_text(MINI_PROGRAM)
    course = root / "courses/mini-course"
    (course / "01-start").mkdir(parents=True)
    (course / "course.md").write_text("---\ntitle: Mini course\nprogram: mini\nassessment:\n  questions: 4\n"
                                      "  minutes: 5\n  pass_percent: 75\n---\nA course.\n")
    (course / "01-start/module.md").write_text("---\ntitle: Start\n---\n")
    words = "Some text to read. " * 40
    (course / "01-start/01-intro.md").write_text(f"---\ntitle: Intro\nduration: 5\ndomain: alpha\n---\n\n{words}\n")
    (root / "questions").mkdir()
    bank = "---\ntitle: Mini bank\nprogram: mini\ncourse: mini-course\n---\n\n"
    bank += "".join(single(f"a-{i}", "alpha", "1.1", check=i <= 3) for i in range(1, 8))
    bank += "".join(single(f"b-{i}", "beta", "2.1") for i in range(1, 8))
    bank += OTHER_TYPES
    (root / "questions/mini.md").write_text(bank)
    final = "---\ntitle: Reserved for the final\nprogram: mini\ncourse: mini-course\n---\n\n"
    final += "".join(single(f"fin-{domain[0]}{i}", domain, task, pool="final")
                     for domain, task in (("alpha", "1.1"), ("beta", "2.1")) for i in range(1, 5))
    (root / "questions/final.md").write_text(final)
    return root


@pytest.fixture
def quiz_imported(app, quiz_content):
    return import_checked(quiz_content)


def answer_key(question_key: str, attempt_id: int | None = None):
    """The key of a question as its learner would have to send it: in the opaque ids of the attempt that
    holds it (by default the newest one). The API never sends a key; tests read it from the database."""
    from sqlalchemy import select

    from learnpm.extensions import db
    from learnpm.quizzes import presenters
    from learnpm.quizzes.models import Attempt, AttemptItem
    from learnpm.quizzes.types import question_type

    query = select(AttemptItem).where(AttemptItem.question_key == question_key)
    if attempt_id is not None:
        query = query.where(AttemptItem.attempt_id == attempt_id)
    item = db.session.scalars(query.order_by(AttemptItem.id.desc())).first()
    content = item.version.content
    salt = db.session.get(Attempt, item.attempt_id).salt
    return presenters.to_public(question_type(content["type"]).key(content), content,
                                presenters.opaque_ids(salt, question_key, content))
