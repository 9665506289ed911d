"""Fixtures: a small content tree to check, import and read (a pytest plugin of conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learnpm.extensions import db
from learnpm.lessons.importer import import_tree
from learnpm.lessons.lint import check_content, errors

REPO = Path(__file__).resolve().parents[1]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
       b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

WORDS = " ".join(["Projects deliver change through temporary teams and clear goals."] * 60)  # 540 words


def lesson_text(title: str, duration: int = 10, domain: str = "fundamentals", body: str = "", extra: str = "") -> str:
    return (f"---\ntitle: {title}\nduration: {duration}\ndomain: {domain}\nobjectives:\n  - Understand it\n"
            f"activity_minutes: 5\n{extra}---\n\nIntro.\n\n## Section one\n\n{WORDS}\n\n"
            f"## Exercise (5 minutes)\n\nDo it.\n\n{body}\n")


@pytest.fixture
def content(tmp_path) -> Path:
    """Write a valid content tree and return its root; tests then break it as they need."""
    root = tmp_path / "content"
    (root / "programs").mkdir(parents=True)
    shutil.copy(REPO / "content/programs/capm.yml", root / "programs/capm.yml")
    course = root / "courses/demo"
    (course / "01-basics").mkdir(parents=True)
    (course / "02-more").mkdir()
    (course / "course.md").write_text("---\ntitle: Demo course\nprogram: capm\n---\nA course for tests.\n")
    (course / "01-basics/module.md").write_text("---\ntitle: Basics\n---\n")
    (course / "02-more/module.md").write_text("---\ntitle: More\n---\n")
    (course / "01-basics/01-first.md").write_text(lesson_text(
        "First lesson", body="See the [second](02-second.md#section-one) and ![dot](../../../media/dot.png)."))
    (course / "01-basics/02-second.md").write_text(lesson_text("Second lesson", domain="agile"))
    (course / "02-more/01-third.md").write_text(lesson_text(
        "Third lesson", body="Back to [first](../01-basics/01-first.md)."))
    (root / "media").mkdir()
    (root / "media/dot.png").write_bytes(PNG)
    (root / "questions").mkdir()
    (root / "questions/demo.md").write_text(BANK)
    return root


BANK = """---
title: Demo bank
program: capm
course: demo
---

## demo-001

type: single
domain: fundamentals
task: "1.1"
difficulty: easy
lesson: first
check: true

Which is a project?

- [x] Launching a patient portal
  Temporary, unique result.
- [ ] Running the help desk
  Ongoing operations.

Explanation: Projects are temporary.
"""


def import_checked(root: Path) -> Path:
    """Check the tree at `root` (it must have no errors), import it and commit; return `root`."""
    tree, problems = check_content(root)
    assert not errors(problems), problems
    import_tree(tree)
    db.session.commit()
    return root


@pytest.fixture
def imported(app, content):
    """Import the small tree into the test database; return its root."""
    return import_checked(content)
