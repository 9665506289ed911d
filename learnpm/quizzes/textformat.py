"""The text formats a question may be written in, and how each becomes safe HTML.

Moodle's GIFT `[plain]` and `[moodle]` (the default) and Aiken are text: shown as written, never read as
Markdown or HTML. `[html]` (and Moodle XML's `format="html"`) is HTML kept through the nh3 allow-list.
`[markdown]` and the learnpm bank format are Markdown.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from learnpm.lessons.rendering import sanitize

MARKDOWN, HTML, PLAIN = "markdown", "html", "plain"
FORMATS = (MARKDOWN, HTML, PLAIN)


def plain_html(text: str) -> str:
    """Show text as written: escaped, its line breaks kept."""
    text = (text or "").strip()
    return f"<p>{html.escape(text).replace(chr(10), '<br>' + chr(10))}</p>" if text else ""


def renderer(text_format: str, markdown: Callable[[str], str]) -> Callable[[str], str]:
    """Return the function that turns a text of this format into safe HTML."""
    if text_format == PLAIN:
        return plain_html
    if text_format == HTML:
        return lambda text: sanitize(text or "")
    return markdown
