"""Question types, banks, attempts, the clock and grading."""
