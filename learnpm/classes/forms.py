"""Class forms (CSRF-checked; the services validate the values)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClassForm(FlaskForm):
    name = StringField("Class name", filters=[_strip], validators=[DataRequired("Name the class."), Length(max=120)],
                       description="For example “CAPM evening class, spring 2027”.")
    course = SelectField("Course", validators=[DataRequired("Choose a course.")])
    exam_date = DateField("Exam date (optional)", validators=[Optional()])


class MemberForm(FlaskForm):
    email = EmailField("Email", filters=[_strip], validators=[
        DataRequired("Enter the learner's email."), Length(max=254),
        Email("Enter a valid email address, like name@example.com.", check_deliverability=False)])
    name = StringField("Name (for a new learner, who gets an invitation)", filters=[_strip],
                       validators=[Length(max=120)])


class RosterForm(FlaskForm):
    file = FileField("Roster CSV (a header line `name,email`, then one learner a line)")


class ConfirmRosterForm(FlaskForm):
    roster = TextAreaField(validators=[DataRequired(), Length(max=2 * 1024 * 1024)])
    digest = HiddenField(validators=[DataRequired()])
