"""Forms for recording live-session hours and correcting ledger entries."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class LiveSessionForm(FlaskForm):
    learners = TextAreaField("Learners' emails (one per line)",
                             validators=[DataRequired("List at least one learner."), Length(max=100_000)])
    course = StringField("Course", validators=[DataRequired("Choose a course.")])
    minutes = IntegerField("Minutes of instruction", validators=[
        InputRequired("Enter the minutes."), NumberRange(1, 6000, "Use 1 to 6,000 minutes.")])
    occurred_on = DateField("Date of the session", validators=[InputRequired("Enter the date.")])
    reason = StringField("Reason (topic of the session)", validators=[
        DataRequired("Give a reason."), Length(min=3, max=500)])
    early_reason = StringField("Why the date is before a learner's account (only then)",
                               description="Say why when the session took place before the learner registered, "
                                           "e.g. 'in-person class before the platform opened'.",
                               validators=[Length(max=200)])


class CorrectionForm(FlaskForm):
    minutes = IntegerField("Minutes to add (negative to remove)", validators=[
        InputRequired("Enter the minutes."), NumberRange(-6000, 6000, "Use -6,000 to 6,000 minutes.")])
    reason = StringField("Reason", validators=[DataRequired("Give a reason."), Length(min=3, max=500)])
