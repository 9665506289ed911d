"""Markdown to safe HTML: Python-Markdown with authors' extensions, then an nh3 allow-list."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    # Only the type name is imported; nothing is parsed with it.
    from xml.etree.ElementTree import Element  # nosec B405

WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")

EXTENSIONS = [
    "tables", "footnotes", "def_list", "attr_list", "abbr", "admonition", "sane_lists", "toc",
    "pymdownx.superfences", "pymdownx.highlight", "pymdownx.details", "pymdownx.tasklist",
]
EXTENSION_CONFIGS = {
    "toc": {"permalink": False, "toc_depth": "2-3"},
    "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
    "footnotes": {"BACKLINK_TITLE": "Back to the text"},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Given a link target as written, return the URL to use, or None when it points nowhere.
LinkResolver = Callable[[str], str | None]


@dataclass
class Rendered:
    html: str
    toc: list[dict]           # [{"id", "title", "level"}] for h2/h3
    text: str                 # plain text, for search and snippets
    words: int                # words of the source, by WORD
    broken_links: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)  # raw HTML or script-like links that were removed


class _LinkRewriter(Treeprocessor):
    def __init__(self, md, resolver: LinkResolver, broken: list[str]):
        super().__init__(md)
        self.resolver = resolver
        self.broken = broken

    def run(self, root: Element) -> None:
        for element in root.iter():
            attr = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attr) if attr else None
            if not target or _is_external(target) or target.startswith("#"):
                continue
            resolved = self.resolver(target)
            if resolved is None:
                self.broken.append(target)
                element.set(attr, "#broken-link")
            else:
                element.set(attr, resolved)


class _LinkExtension(Extension):
    def __init__(self, resolver: LinkResolver, broken: list[str]):
        super().__init__()
        self.resolver, self.broken = resolver, broken

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's API)
        md.treeprocessors.register(_LinkRewriter(md, self.resolver, self.broken), "learnpm-links", 1)


def _is_external(target: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target)) or target.startswith("//")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "input" and attr == "type" and value != "checkbox":
        return None
    return value


def sanitize(raw_html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(raw_html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_attribute_filter, link_rel="noopener noreferrer",
                     strip_comments=True)


def _unsafe_parts(source: str) -> list[str]:
    found = re.findall(r"<\s*/?\s*[a-zA-Z][^>]*>", source)
    found += re.findall(r"\]\(\s*(?:javascript|data|vbscript):[^)]*\)", source, flags=re.I)
    return found


def render_markdown(source: str, resolver: LinkResolver | None = None) -> Rendered:
    """Render Markdown to sanitized HTML with a table of contents and plain text."""
    broken: list[str] = []
    extensions = [*EXTENSIONS, _LinkExtension(resolver or (lambda target: target), broken)]
    md = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS, output_format="html")
    safe = sanitize(md.convert(source))
    toc = [{"id": token["id"], "title": html.unescape(token["name"]), "level": token["level"]}
           for token in _flatten(md.toc_tokens) if token["level"] in (2, 3)]
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", safe))).strip()
    return Rendered(safe, toc, text, len(WORD.findall(source)), broken, _unsafe_parts(source))


def _flatten(tokens: list[dict]) -> list[dict]:
    out = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.get("children", [])))
    return out


def fragment_renderer() -> Callable[[str], str]:
    """Return a renderer of short Markdown fragments (question text) reusing one parser; not thread-safe."""
    md = markdown.Markdown(extensions=[e for e in EXTENSIONS if e != "toc"], extension_configs=EXTENSION_CONFIGS,
                           output_format="html")

    def render(source: str) -> str:
        md.reset()
        return sanitize(md.convert(source or ""))

    return render
