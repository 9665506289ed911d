"""Markdown rendering and sanitizing (pure)."""

import pytest

from learnpm.lessons.rendering import render_markdown


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<div onmouseover="alert(1)">hover</div>',
    "<style>body{display:none}</style>",
    '<input type="text" value="phish">',
    "<svg onload=alert(1)></svg>",
])
def test_no_script_handler_or_javascript_url_survives(hostile):
    html = render_markdown(f"Text {hostile} more.").html.lower()
    for bad in ("<script", "onerror", "onmouseover", "onload", "javascript:", "<iframe", "<style", "<svg",
                'type="text"'):
        assert bad not in html


def test_unsafe_parts_are_reported_for_the_checker():
    rendered = render_markdown("Hi <b onclick=x>there</b> [a](javascript:void(0))")
    assert any("onclick" in part for part in rendered.unsafe)
    assert any("javascript" in part for part in rendered.unsafe)


def test_authors_extensions_render():
    source = """## Plan

| a | b |
|---|---|
| 1 | 2 |

!!! tip "Remember"
    Tips work.

??? success "Model answer"
    Hidden until opened.

- [x] done
- [ ] todo

Term
:   Definition

```sql
SELECT 1;
```

A note[^1].

[^1]: The footnote.
"""
    html = render_markdown(source).html
    assert '<h2 id="plan">Plan</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'class="admonition tip"' in html
    assert "<details" in html and "<summary>Model answer</summary>" in html
    assert 'type="checkbox"' in html and "checked" in html
    assert "<dt>Term</dt>" in html
    assert 'class="highlight"' in html and '<span class="k">SELECT</span>' in html
    assert 'class="footnote"' in html


def test_toc_lists_h2_and_h3_with_anchors():
    rendered = render_markdown("# Title\n\n## First part\n\n### Detail\n\n#### Too deep\n")
    assert rendered.toc == [{"id": "first-part", "title": "First part", "level": 2},
                            {"id": "detail", "title": "Detail", "level": 3}]


def test_relative_links_go_through_the_resolver_and_broken_ones_are_listed():
    def resolver(target):
        return "/courses/c/other#x" if target == "other.md#x" else None

    rendered = render_markdown("[ok](other.md#x) [bad](missing.md) [web](https://example.org) [top](#plan)",
                               resolver)
    assert 'href="/courses/c/other#x"' in rendered.html
    assert 'href="https://example.org"' in rendered.html
    assert 'href="#plan"' in rendered.html
    assert rendered.broken_links == ["missing.md"]


def test_words_are_counted_from_the_source():
    assert render_markdown("One two three-four, don't **five**.").words == 5
