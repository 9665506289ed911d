"""Classes of learners for a course: members, exam date, CSV rosters (just above lessons)."""
