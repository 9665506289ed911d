"""Study aids beside a course: its glossary (studied as flashcards on the FSRS schedule) and reference pages."""
