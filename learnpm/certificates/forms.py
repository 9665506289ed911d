"""Certificate forms (CSRF-checked; the services validate the values again)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class IssueForm(FlaskForm):
    """A learner asks for a course's certificate."""

    course = HiddenField(validators=[DataRequired(), Length(max=100)])


class LearnerIssueForm(FlaskForm):
    """An instructor issues one learner's certificate."""

    user_id = HiddenField(validators=[DataRequired(), Length(max=12)])


class CourseIssueForm(FlaskForm):
    """An instructor issues every eligible learner's certificate (only the CSRF token)."""


class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason for revoking", validators=[
        DataRequired("Give a reason."), Length(min=3, max=500, message="Give a reason of 3 to 500 characters.")])


class RestoreForm(FlaskForm):
    """Reinstate a revoked certificate, or re-issue it on the current ledger (the button's name says which)."""

    reason = TextAreaField("Reason", validators=[
        DataRequired("Give a reason."), Length(min=3, max=500, message="Give a reason of 3 to 500 characters.")])


class SettingsForm(FlaskForm):
    provider_name = StringField("Provider name", description="The organization that provides the course.",
                                validators=[DataRequired("Enter the provider's name."),
                                            Length(min=2, max=200, message="Use 2 to 200 characters.")])
    provider_number = StringField("Provider number (optional)",
                                  description="A registration number, printed when given.",
                                  validators=[Optional(), Length(max=60, message="Use at most 60 characters.")])
    signatory_name = StringField("Signatory name", validators=[
        DataRequired("Enter the signatory's name."), Length(min=2, max=120, message="Use 2 to 120 characters.")])
    signatory_title = StringField("Signatory title", validators=[
        DataRequired("Enter the signatory's title."), Length(min=2, max=120, message="Use 2 to 120 characters.")])
