"""The instructor's studio: courses, modules, lessons and question banks built in the browser (thin views)."""
