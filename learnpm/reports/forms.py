"""The learner's exam-date form."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SubmitField
from wtforms.validators import Optional


class ExamDateField(DateField):
    """A date field whose parse error says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter the date as year-month-day, for example 2027-03-15.") from exc


class ExamDateForm(FlaskForm):
    exam_date = ExamDateField("Your exam date", validators=[Optional()],
                              description="The day you sit the exam (it must be within the next two years). "
                                          "Spaced review schedules your missed questions before it.")
    save = SubmitField("Save the date")
    clear = SubmitField("Clear the date")

    def value(self) -> date | None:
        return None if self.clear.data else self.exam_date.data
