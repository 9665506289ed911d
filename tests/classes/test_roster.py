"""Reading a roster CSV: the bad inputs an instructor's spreadsheet produces, each named with its line."""

from __future__ import annotations

from learnpm.classes.roster import MAX_ROWS, parse_roster


def test_bom_semicolons_crlf_blank_lines_and_quoted_fields():
    data = ("\ufeffEmail;Name\r\n\r\n"
            "ana@example.com;\"Ana Lima\"\r\n"
            "   \r\n"
            "bo@example.com;\"Bo; the second\"\r\n").encode("utf-8")
    roster = parse_roster(data)
    assert roster.errors == []
    assert [(r.line, r.name, r.email) for r in roster.rows] == [
        (3, "Ana Lima", "ana@example.com"), (5, "Bo; the second", "bo@example.com")]


def test_every_problem_is_reported_with_its_line():
    data = ("name,email\n"
            "Good One,good@example.com\n"
            "=HYPERLINK(\"http://evil\"),formula@example.com\n"
            "No Mail,not-an-email\n"
            "Dup Licate,GOOD@example.com\n"
            ",empty@example.com\n"
            "Bidi\u202eName,bidi@example.com\n"
            "Short\n").encode()
    roster = parse_roster(data)
    lines = roster.error_lines()
    assert any(line.startswith("line 3:") and "formula" in line for line in lines)
    assert any(line.startswith("line 4:") and "not-an-email" in line for line in lines)
    assert any(line.startswith("line 5:") and "also on line 2" in line for line in lines)
    assert any(line.startswith("line 6:") and "enter a name" in line for line in lines)
    assert any(line.startswith("line 7:") and "U+202E" in line for line in lines)
    assert any(line.startswith("line 8:") and "column" in line for line in lines)
    assert [r.email for r in roster.rows] == ["good@example.com"]


def test_a_missing_header_empty_file_binary_and_other_encodings_are_refused():
    assert "header" in parse_roster(b"ana@example.com,Ana\n").error_lines()[0]
    assert "empty" in parse_roster(b"\n\n").error_lines()[0]
    assert "NUL" in parse_roster(b"name,email\nA\x00,a@example.com\n").error_lines()[0]
    latin1 = "name,email\nJosé,jose@example.com\n".encode("latin-1")
    assert "UTF-8" in parse_roster(latin1).error_lines()[0]
    assert "no learners" in parse_roster(b"name,email\n").error_lines()[0]


def test_ten_thousand_rows_are_read_and_one_more_is_refused():
    rows = "".join(f"Learner {i},l{i}@example.com\n" for i in range(MAX_ROWS))
    roster = parse_roster(("name,email\n" + rows).encode())
    assert len(roster.rows) == MAX_ROWS and roster.errors == []
    too_many = parse_roster(("name,email\n" + rows + "One More,more@example.com\n").encode())
    assert too_many.error_lines() == [f"line {MAX_ROWS + 2}: more than 10,000 learners: split the file"]
