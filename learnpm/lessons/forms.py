"""The lesson editor's form."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from learnpm.lessons.services import BODY_MAX


class LessonForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=200)])
    duration = IntegerField("Rated duration (minutes)", validators=[
        InputRequired("Enter the rated minutes."), NumberRange(1, 600, "Use 1 to 600 minutes.")])
    domain = StringField("Domain", validators=[DataRequired("Choose a domain.")])
    activity_minutes = IntegerField("Activity minutes", default=0, validators=[
        NumberRange(0, 600, "Use 0 to 600 minutes.")])
    objectives = TextAreaField("Objectives (one per line)", validators=[Length(max=5000)])
    body = TextAreaField("Lesson text (Markdown)", validators=[
        DataRequired("The lesson text is empty."), Length(max=BODY_MAX)])

    def objective_list(self) -> list[str]:
        return [line.strip() for line in (self.objectives.data or "").splitlines() if line.strip()][:20]
