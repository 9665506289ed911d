"""The studio's forms: CSRF and field shapes; the services check the rest."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from learnpm.quizzes.editing import BODY_MAX

SLUG_HINT = "Lower-case words joined by '-'; left empty, it is made from the title."


class CourseForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=200)])
    slug = StringField("Slug (the course's address)", description=SLUG_HINT, validators=[Length(max=80)])
    program = SelectField("Program", validate_choice=False, validators=[DataRequired("Choose a program.")])
    intro = TextAreaField("Introduction (Markdown)", validators=[Length(max=20_000)])
    questions = IntegerField("Assessment: questions", validators=[Optional(), NumberRange(1, 500)])
    minutes = IntegerField("Assessment: minutes", validators=[Optional(), NumberRange(1, 600)])
    pass_percent = IntegerField("Assessment: pass mark (%)", validators=[Optional(), NumberRange(1, 100)])


class ModuleForm(FlaskForm):
    title = StringField("Module title", validators=[DataRequired("Enter a title."), Length(max=200)])
    slug = StringField("Module slug", description=SLUG_HINT, validators=[Length(max=80)])


class NewLessonForm(FlaskForm):
    title = StringField("Lesson title", validators=[DataRequired("Enter a title."), Length(max=200)])
    slug = StringField("Lesson slug", description=SLUG_HINT, validators=[Length(max=80)])
    domain = SelectField("Domain", validate_choice=False, validators=[DataRequired("Choose a domain.")])


class QuestionForm(FlaskForm):
    bank = StringField("Bank", validators=[Length(max=100)])
    key = StringField("Question id", validators=[Length(max=64)])
    type = StringField("Type", validators=[Length(max=20)])
    domain = StringField("Domain", validators=[Length(max=60)])
    task = StringField("Task", validators=[Length(max=20)])
    difficulty = StringField("Difficulty", validators=[Length(max=10)])
    lesson = StringField("Lesson", validators=[Length(max=200)])
    check = BooleanField("Knowledge check of its lesson")
    pool = StringField("Pool", validators=[Length(max=10)])
    image = StringField("Image (hotspot)", validators=[Length(max=200)])
    body = TextAreaField("Question (bank-file Markdown)", validators=[Length(max=BODY_MAX)])


class BankForm(FlaskForm):
    slug = StringField("Bank slug", validators=[DataRequired("Enter a slug."), Length(max=64)])
    title = StringField("Bank title", validators=[DataRequired("Enter a title."), Length(max=200)])
    course = StringField("Course", validators=[DataRequired("Choose a course."), Length(max=100)])
