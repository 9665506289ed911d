"""The reports filtered to a class: item statistics count only its members' attempts, and follow its membership."""

from __future__ import annotations

from sqlalchemy import select

from learnpm.classes import services as classes
from learnpm.extensions import db
from learnpm.lessons.models import Course
from tests.reports.test_item_report import CHECK, ITEMS, row_of, strong, weak


def test_item_statistics_of_a_class_count_its_members_only(client, quiz_imported, make_user, instructor, login,
                                                            take):
    course = db.session.scalar(select(Course).where(Course.slug == "mini-course"))
    members = [make_user(name=f"M{i}") for i in range(5)]
    others = [make_user(name=f"O{i}") for i in range(3)]
    for learner in members:
        take(learner, right=strong, **CHECK)
    for learner in others:
        take(learner, right=weak, **CHECK)
    group = classes.create_class(instructor, course, "Morning class")
    classes.add_members(instructor, group, members)
    db.session.commit()
    login(instructor)
    everyone = row_of(client.get(ITEMS).get_data(as_text=True), "a-1")
    assert "<td>8</td>" in everyone
    page = client.get(f"{ITEMS}?class=morning-class").get_data(as_text=True)
    assert "Item statistics of Mini course: Morning class" in page
    assert "<td>5</td>" in row_of(page, "a-1") and "too hard (0 % correct)" in row_of(page, "a-1")  # strong: a-1 wrong
    # A new member's attempts count at once (the cached analysis follows the membership).
    classes.add_members(instructor, group, others[:1])
    db.session.commit()
    assert "<td>6</td>" in row_of(client.get(f"{ITEMS}?class=morning-class").get_data(as_text=True), "a-1")
    assert client.get(f"{ITEMS}?class=unknown").status_code == 404
