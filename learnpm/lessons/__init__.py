"""Courses, modules and lessons: the content format, import, lint and rendering."""
