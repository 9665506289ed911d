"""The studio in a browser: an instructor builds a course, a module and a lesson, writes a question of each type
with its live preview, imports a GIFT file through the dry run and confirm, fixes a flagged item from item
statistics; a learner then takes the lesson's knowledge check made of those questions."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes import answering, presenters, services
from learnpm.quizzes.models import AttemptItem, QuestionVersion
from learnpm.quizzes.types import question_type
from learnpm.timeutil import now
from tests.e2e.test_journey_authoring import log_in
from tests.studio.test_banks import BODIES

STEMS = {"single": "Which one is a project?", "multiple": "Which TWO are agile values?",
         "matching": "Match the role.", "fill_in": "The document that authorizes a project",
         "hotspot": "Click the dot."}


def take_check_rightly(user, lesson: str) -> None:
    """A learner answers every question of a lesson's knowledge check right (through the services)."""
    attempt = services.start_attempt(user, services.StartRequest(mode="check", lesson=lesson), now())
    for item, version in db.session.execute(select(AttemptItem, QuestionVersion).join(
            QuestionVersion, QuestionVersion.id == AttemptItem.version_id).where(AttemptItem.attempt_id == attempt.id)):
        content = version.content
        ids = presenters.opaque_ids(attempt.salt, item.question_key, content)
        key = question_type(content["type"]).key(content)
        answering.save_answer(user, attempt.id, item.question_key, presenters.to_public(key, content, ids), now=now())
    services.submit(user, attempt.id, now())
    db.session.commit()


def answer(section) -> None:
    kind = section.get_attribute("data-type")
    if kind in ("single", "hotspot"):
        section.get_by_role("radio").first.check()
    elif kind == "multiple":
        section.get_by_role("checkbox").first.check()
    elif kind == "matching":
        for choice in section.locator("select").all():
            choice.select_option(index=1)
    else:
        section.get_by_label("Your answer").fill("charter")


def test_an_instructor_builds_a_course_and_its_questions_and_a_learner_takes_them(
        browser, live_server, imported, instructor, learner, make_user, tmp_path):
    for number in range(5):  # enough right answers to flag demo-001 as too easy
        take_check_rightly(make_user(email=f"early{number}@example.com"), "demo/first")

    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, instructor.email)

    # A course, a module, a lesson from the template.
    page.goto("/instructor/lessons")
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill("Agile Studio")
    page.get_by_label("Program").select_option("capm")
    page.get_by_label("Introduction (Markdown)").fill("A course built **in the browser**.")
    page.get_by_role("button", name="Create the course").click()
    expect(page.get_by_role("heading", name="Outline of “Agile Studio”")).to_be_visible()
    page.get_by_label("Module title").fill("Getting started")
    page.get_by_role("button", name="Add the module").click()
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    page.get_by_label("Lesson title").fill("Why agile")
    page.get_by_label("Domain").select_option("agile")
    page.get_by_role("button", name="Create the lesson").click()
    expect(page.get_by_text("created as a draft from the template")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Why agile")
    body = page.get_by_label("Lesson text (Markdown)")
    expect(body).to_have_value(re.compile("## The main idea"))

    # Leaving with unsaved changes asks first; staying keeps the text.
    body.fill(body.input_value() + "\nAgile teams deliver value in small, frequent increments.\n")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Revision history").click()
    expect(body).to_have_value(re.compile("small, frequent increments"))
    assert dialogs == ["beforeunload"]
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as revision 2.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The lesson is published.")).to_be_visible()

    # A bank, then one question of each type, each seen in the preview before it is saved.
    page.goto("/instructor/banks")
    page.get_by_label("Bank slug").fill("agile-studio-bank")
    page.get_by_label("Bank title").fill("Agile Studio questions")
    page.get_by_label("Course", exact=True).select_option("agile-studio")
    page.get_by_role("button", name="Create the bank").click()
    expect(page.get_by_text("Bank agile-studio-bank created")).to_be_visible()
    for kind, text in BODIES.items():
        page.goto(f"/instructor/banks/questions/new?type={kind}&bank=agile-studio-bank")
        key = f"studio-{kind.replace('_', '-')}"
        page.get_by_label("Question id").fill(key)
        page.get_by_label("Domain").select_option("agile")
        page.get_by_label("Task").fill("3.1")
        page.get_by_label("Lesson it refers to").select_option("agile-studio/why-agile")
        page.get_by_label("Knowledge check of its lesson").check()
        if kind == "hotspot":
            page.get_by_label("Image (hotspot questions only)").select_option("dot.png")
        page.get_by_label("Question (the bank file's Markdown)").fill(text)
        preview = page.locator("#question-preview")
        expect(preview.locator(".stem")).to_contain_text(STEMS[kind])
        expect(preview.locator(".preview-errors")).to_have_count(0)
        if kind == "matching":
            expect(preview.locator("select")).to_have_count(2)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text(f"Question {key} created (version 1).")).to_be_visible()

    # A GIFT file through the import page's dry run, then its confirm step.
    gift = tmp_path / "agile.gift"
    gift.write_text("::Sprint length::How long is a sprint at most? {=One month ~Six months ~One year}\n\n"
                    "::Daily scrum::The daily scrum is timeboxed to {=15 minutes =fifteen minutes}\n",
                    encoding="utf-8")
    page.goto("/instructor/banks")
    page.get_by_role("link", name="Import questions").click()
    page.get_by_label("Question file").set_input_files(str(gift))
    page.get_by_label("Bank", exact=True).fill("agile-gift")
    page.get_by_label("Format").select_option("gift")
    page.get_by_label("Default domain").select_option("agile")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Dry run: nothing is changed yet")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="not importable")).to_have_text(
        "2 added, 0 changed, 0 unchanged, 0 not importable")
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_role("heading", name="Imported into agile-gift")).to_be_visible()
    page.goto("/instructor/banks?bank=agile-gift")
    expect(page.get_by_role("link", name=re.compile("^agile-gift-"))).to_have_count(2)

    # Item statistics flag demo-001; its link opens the editor, and the fix is a new version.
    page.goto("/instructor/courses/demo/items")
    row = page.locator("tr.flagged").filter(has_text="demo-001")
    expect(row).to_contain_text("too easy")
    row.get_by_role("link", name="Edit question demo-001").click()
    editor = page.get_by_label("Question (the bank file's Markdown)")
    editor.fill(editor.input_value().replace("Which is a project?",
                                             "Which of these is a project rather than operations?"))
    expect(page.locator("#question-preview .stem")).to_contain_text("rather than operations")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved as version 2 of demo-001.")).to_be_visible()
    page.goto("/instructor/banks?flagged=1")
    expect(page.get_by_role("link", name="demo-001")).to_have_count(0)  # the new version has no responses yet
    context.close()

    # The learner takes the lesson's knowledge check: the five new questions.
    reader = browser.new_context(base_url=live_server)
    reader.set_default_timeout(10_000)
    page = reader.new_page()
    log_in(page, learner.email)
    page.goto("/courses/agile-studio/why-agile")
    expect(page.get_by_text("small, frequent increments")).to_be_visible()
    page.get_by_role("button", name="Start the knowledge check").click()
    expect(page.get_by_role("heading", name="Question 1 of 5")).to_be_visible()
    kinds = set()
    for number in range(1, 6):
        section = page.locator("section.question:not([hidden])")
        expect(section.get_by_role("heading", name=f"Question {number} of 5")).to_be_visible()
        kinds.add(section.get_attribute("data-type"))
        answer(section)
        expect(page.get_by_role("status").filter(has_text="All answers saved.")).to_be_visible()
        if number < 5:
            section.get_by_role("button", name="Next").click()
    assert kinds == set(BODIES)
    page.locator("#to-review").click()
    page.get_by_role("region", name="Review before submitting").get_by_role(
        "button", name="Submit and see the results").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit now").click()
    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    reader.close()


def test_dragging_a_lesson_onto_another_reorders_the_outline(page, imported, instructor):
    log_in(page, instructor.email)
    page.goto("/instructor/courses/demo/outline")
    basics = page.locator("#module-basics .studio-lessons")
    expect(basics.locator("li > a")).to_have_text(["First lesson", "Second lesson"])
    page.locator("#lesson-second").drag_to(page.locator("#lesson-first"))
    expect(basics.locator("li > a")).to_have_text(["Second lesson", "First lesson"])
    # A module is dragged by its whole box (not a link): the drag's events are dispatched as Chromium sends them.
    transfer = page.evaluate_handle("() => new DataTransfer()")
    page.locator("#module-more").dispatch_event("dragstart", {"dataTransfer": transfer})
    page.locator("#module-basics").dispatch_event("dragover", {"dataTransfer": transfer})
    page.locator("#module-basics").dispatch_event("drop", {"dataTransfer": transfer})
    expect(page.locator(".studio-module h2")).to_have_text([re.compile("^More"), re.compile("^Basics")])
