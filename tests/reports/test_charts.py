"""SVG charts and data tables: valid XML, escaped text, accessible names, empty data, determinism."""

import xml.etree.ElementTree as ET

import pytest

from learnpm.reports.charts import bar_chart, data_table, line_chart, progress_bar

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"Co\"\x00"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def accessible_name(root: ET.Element) -> tuple[str, str]:
    """Return the texts of the <title> and <desc> that aria-labelledby points to."""
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert by_id[title_id].tag == f"{SVG}title" and by_id[desc_id].tag == f"{SVG}desc"
    return by_id[title_id].text, by_id[desc_id].text


def texts(root: ET.Element) -> list[str]:
    return [el.text for el in root.iter(f"{SVG}text")]


CHARTS = {
    "bar": lambda title, data: bar_chart(title, data, target=70),
    "line": lambda title, data: line_chart(title, data, target=70),
}


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_chart_is_valid_accessible_xml(kind):
    root = parse(CHARTS[kind]("Domain scores", [("Agile", 82.5), ("Predictive", 55)]))
    title, desc = accessible_name(root)
    assert title == "Domain scores"
    assert "82.5 %" in desc and "55 %" in desc and "Target: 70 %" in desc
    assert "82.5 %" in texts(root) and "55 %" in texts(root)       # values printed, not only drawn
    assert not any(el.get("style") for el in root.iter())           # CSP: no inline styles
    assert root.find(f"{SVG}script") is None


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_hostile_labels_are_escaped(kind):
    svg = CHARTS[kind](HOSTILE, [(HOSTILE, 50), ("ok", 60)])
    assert "<script>" not in svg and "\x00" not in svg
    root = parse(svg)
    title, desc = accessible_name(root)
    assert title == HOSTILE.replace("\x00", "")
    assert HOSTILE.replace("\x00", "") in desc
    assert all(el.tag != f"{SVG}script" for el in root.iter())


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_empty_data_says_so(kind):
    root = parse(CHARTS[kind]("Score trend", []))
    assert accessible_name(root) == ("Score trend", "No data yet.")
    assert "No data yet" in texts(root)


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_output_is_deterministic_and_ids_differ_between_charts(kind):
    data = [("Mon", 1.25), ("Tue", 3.0), ("Wed", 0.0)]
    first, second = CHARTS[kind]("Hours", data), CHARTS[kind]("Hours", list(data))
    assert first == second
    other = CHARTS[kind]("Hours", [*data, ("Thu", 2)])
    assert parse(first).get("aria-labelledby") != parse(other).get("aria-labelledby")


def test_bar_values_above_max_are_clamped_but_printed():
    root = parse(bar_chart("Scores", [("Over", 150), ("Under", -5)], width=400))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    track = max(widths)
    assert all(w <= track for w in widths)               # the 150 % bar stops at the edge
    assert widths.count(track) == 3                      # two tracks and the full bar; nothing drawn for -5
    assert "150 %" in texts(root) and "-5 %" in texts(root)


def test_line_values_above_max_stay_inside_the_plot():
    root = parse(line_chart("Hours per day", [("Mon", 2), ("Tue", 9)], max_value=4, unit="h"))
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert all(0 < y < 240 for y in ys)
    assert "9 h" in texts(root) and "4 h" in texts(root)     # the real value and the axis maximum


def test_line_chart_thins_crowded_labels_but_keeps_the_ends():
    points = [(f"Day {i}", i) for i in range(60)]
    root = parse(line_chart("Trend", points))
    shown = [t for t in texts(root) if t.startswith("Day")]
    assert shown[0] == "Day 0" and shown[-1] == "Day 59" and len(shown) < 20
    assert len(list(root.iter(f"{SVG}circle"))) == 60
    _, desc = accessible_name(root)
    assert desc.startswith("60 points from Day 0 to Day 59.") and "Highest: 59 % (Day 59)" in desc


def test_single_point_line_chart():
    root = parse(line_chart("Trend", [("Attempt 1", 64)]))
    assert "64 %" in texts(root) and "Attempt 1" in texts(root)


def test_progress_bar():
    root = parse(progress_bar("Study hours", 11.5, 23))
    title, desc = accessible_name(root)
    assert title == "Study hours"
    assert desc == "Study hours: 11.5 h against a target of 23 h, 50 % of it."
    assert "11.5 h of 23 h (50 %)" in texts(root)
    over = parse(progress_bar(HOSTILE, 30, 23))
    assert "30 h of 23 h (130.4 %)" in texts(over)
    with pytest.raises(ValueError):
        progress_bar("Hours", 1, 0)


def test_long_labels_are_truncated_in_the_drawing_but_not_in_the_description():
    label = "Project Management Fundamentals and Core Concepts " * 3
    root = parse(bar_chart("Scores", [(label, 50)], width=320))
    assert any(t.endswith("\u2026") for t in texts(root))
    assert label in accessible_name(root)[1]


def test_bad_scales_are_refused():
    with pytest.raises(ValueError):
        bar_chart("x", [("a", 1)], max_value=0)
    with pytest.raises(ValueError):
        line_chart("x", [("a", 1)], height=50)


def test_data_table_is_escaped_with_headers():
    html = data_table("Scores & <ratings>", ["Domain", "Score"], [[HOSTILE, "80 %"], ["Agile", "55 %"]])
    assert "<script>" not in html
    table = ET.fromstring(html)
    assert table.tag == "table" and table.get("class") == "data"
    assert table.find("caption").text == "Scores & <ratings>"
    assert [(th.get("scope"), th.text) for th in table.find("thead").iter("th")] == [("col", "Domain"),
                                                                                     ("col", "Score")]
    rows = table.find("tbody").findall("tr")
    assert rows[0].find("th").get("scope") == "row" and rows[0].find("th").text == HOSTILE.replace("\x00", "")
    assert [td.text for td in rows[1].findall("td")] == ["55 %"]


def test_data_table_without_rows():
    table = ET.fromstring(data_table("Scores", ["Domain", "Score"], []))
    cell = table.find("tbody/tr/td")
    assert cell.text == "No data yet" and cell.get("colspan") == "2"
