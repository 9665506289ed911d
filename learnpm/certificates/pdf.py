"""Render a contact-hour certificate as a one-page A4 landscape PDF (pure: no Flask, no database)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import io
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import segno
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from learnpm.hours import display

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
FAMILY = "dejavu"
# A learner's name may be in any script: Debian's Noto fonts (fonts-noto-core, fonts-noto-cjk; the Makefile's
# system-deps) print what DejaVu cannot, shaped and in its direction by HarfBuzz (uharfbuzz).
NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK_DIR = Path("/usr/share/fonts/opentype/noto")
PREFERRED_FALLBACKS = ("NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSans")
CJK = ("NotoSansCJK", 2)  # the collection's Simplified Chinese face (0 JP, 1 KR, 2 SC, 3 TC, 4 HK)
NAME_FAMILY = "dejavu-shaped"  # the full DejaVu, from its file (HarfBuzz reads fonts from files)
JOINERS = {0x200C, 0x200D}  # zero-width (non-)joiners: shaping instructions, not glyphs
# Latin (with extensions and combining marks), Greek, Cyrillic, punctuation, currency and letterlike symbols.
UNICODE_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x2B0, 0x36F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1FFF),
                  (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2C60, 0x2C7F), (0xA640, 0xA69F),
                  (0xA720, 0xA7FF), (0xFB00, 0xFB06), (0xFFFD, 0xFFFD))

Color = tuple[int, int, int]
NAVY: Color = (22, 44, 84)
GOLD: Color = (176, 141, 62)
INK: Color = (40, 40, 40)
MUTED: Color = (100, 100, 100)
RULE: Color = (205, 205, 205)

PAGE_W, PAGE_H = 297.0, 210.0
TEXT_W = 235.0
PT = 25.4 / 72  # millimetres per point
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
COMPOSED_FIELDS = ("learner_name", "course_title", "program_title", "provider_name", "signatory_name",
                   "signatory_title")
NOTICE = ("Contact hours are 60-minute hours of instruction recorded by learnpm. "
          "This certificate is not issued or endorsed by PMI.")


@dataclass(frozen=True)
class CertificateSnapshot:
    """Everything printed on a certificate, frozen at issuance."""

    code: str
    learner_name: str
    course_title: str
    program_title: str
    provider_name: str
    provider_number: str | None
    contact_hours: float
    started_on: date
    completed_on: date
    issued_on: date
    modules: list[tuple[str, float]]
    signatory_name: str
    signatory_title: str
    verify_url: str


def format_date(day: date) -> str:
    """Format a date as '3 March 2025', whatever the process locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_hours(hours: float) -> str:
    """Format hours with one decimal, as every page does (the one hours formatter)."""
    return display.format_hours(round(hours * 3600))


def _reduced_font(path: Path) -> bytes:
    """Subset a font file to the Unicode ranges we print, which makes the per-document subsetting cheap."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, layout_features=[])
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern", "FFTM", "hdmx", "MATH"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=[code for low, high in UNICODE_RANGES for code in range(low, high + 1)])
    buffer = io.BytesIO()
    with ttLib.TTFont(path, recalcTimestamp=False) as font:
        subsetter.subset(font)
        font.save(buffer)
    return buffer.getvalue()


@functools.cache
def _font_templates() -> tuple[tuple[TTFFont, bytes], ...]:
    """Reduce and parse each DejaVu font once per process; keep the parsed metrics and the reduced file."""
    scratch = FPDF()
    templates = []
    for style, path in FONTS.items():
        data = _reduced_font(path)
        templates.append((TTFFont(scratch, io.BytesIO(data), f"{FAMILY}{style}", style), data))
    return tuple(templates)


def _add_fonts(pdf: FPDF) -> None:
    """Register the fonts from the parsed templates: what add_font() does, without parsing the files again."""
    for template, data in _font_templates():
        font = copy.copy(template)
        font.i = len(pdf.fonts) + 1
        # output() subsets the fontTools font in place, so every document gets a fresh (lazy, cheap) one.
        font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
        font.cw = copy.copy(template.cw)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font


def _fit(pdf: FPDF, text: str, style: str, sizes: tuple[float, float], width: float,
         max_lines: int = 1, family: str = FAMILY) -> tuple[float, list[str]]:
    """Shrink text from the largest to the smallest size to fit width, then wrap, then cut with an ellipsis."""
    biggest, smallest = sizes
    pdf.set_font(family, style, biggest)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return biggest, [text]
    size = max(smallest, biggest * width / natural * 0.995)
    pdf.set_font(family, style, size)
    if pdf.get_string_width(text) <= width:
        return size, [text]
    lines = pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and pdf.get_string_width(lines[-1] + "…") > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1].rstrip() + "…"
    return size, lines


def _text(pdf: FPDF, x: float, y: float, w: float, text: str, style: str, sizes: tuple[float, float], color: Color,
          align: str = "L", max_lines: int = 1, leading: float = 1.25, family: str = FAMILY) -> float:
    """Print fitted text in a box of width w from (x, y); return the y below it."""
    size, lines = _fit(pdf, text, style, sizes, w, max_lines, family)
    pdf.set_text_color(*color)
    line_h = size * leading * PT
    for line in lines:
        pdf.set_xy(x, y)
        pdf.cell(w, line_h, line, align=align)
        y += line_h
    return y


def _centered(pdf: FPDF, y: float, text: str, style: str, sizes: tuple[float, float], color: Color,
              max_lines: int = 1, width: float = TEXT_W, family: str = FAMILY) -> float:
    """Print fitted text centered on the page from y; return the y below it."""
    return _text(pdf, (PAGE_W - width) / 2, y, width, text, style, sizes, color, "C", max_lines, family=family)


def _border(pdf: FPDF) -> None:
    """Draw a double frame with small corner ornaments."""
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.4)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    pdf.set_fill_color(*GOLD)
    for x, y in ((11.5, 11.5), (PAGE_W - 11.5, 11.5), (11.5, PAGE_H - 11.5), (PAGE_W - 11.5, PAGE_H - 11.5)):
        pdf.rect(x - 1.6, y - 1.6, 3.2, 3.2, style="F")


def _header(pdf: FPDF, snap: CertificateSnapshot) -> float:
    """Print the title and the certifying sentences; return the y below them."""
    y = _centered(pdf, 19, snap.provider_name, "", (10, 7), MUTED)
    y = _centered(pdf, y + 1.5, "Certificate of Contact Hours", "B", (28, 28), NAVY)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.line(PAGE_W / 2 - 35, y + 2.5, PAGE_W / 2 + 35, y + 2.5)
    y = _centered(pdf, y + 6, "This certifies that", "", (11, 11), MUTED)
    y = _name(pdf, y + 1.5, snap.learner_name)
    hours = format_hours(snap.contact_hours)
    line = f"has completed {hours} contact hours of project management education in"
    y = _centered(pdf, y + 1.5, line, "", (11, 11), MUTED)
    y = _centered(pdf, y + 1, snap.course_title, "B", (16, 11), NAVY, max_lines=2)
    y = _centered(pdf, y + 0.5, f"in preparation for the {snap.program_title}", "", (10.5, 8), INK, max_lines=2)
    dates = f"Studied from {format_date(snap.started_on)} to {format_date(snap.completed_on)}"
    return _centered(pdf, y + 0.5, dates, "", (10.5, 10.5), INK)


@functools.cache
def _coverage(path: Path, number: int = 0) -> frozenset[int]:
    """The code points a font file maps to glyphs (read once per process)."""
    with ttLib.TTFont(path, fontNumber=number, lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


@functools.cache
def _main_coverage() -> frozenset[int]:
    """What the reduced DejaVu fonts print without fallbacks."""
    ranges = {code for low, high in UNICODE_RANGES for code in range(low, high + 1)}
    return frozenset(ranges & _coverage(FONTS[""]) & _coverage(FONTS["B"]))


@functools.cache
def _fallback_files() -> tuple[tuple[str, Path, Path, int], ...]:
    """Every fallback font with a regular and a bold face: the preferred ones first, then CJK, then the rest."""
    found = []
    for stem in PREFERRED_FALLBACKS:
        found.append((stem, NOTO_DIR / f"{stem}-Regular.ttf", NOTO_DIR / f"{stem}-Bold.ttf", 0))
    found.append((CJK[0], NOTO_CJK_DIR / f"{CJK[0]}-Regular.ttc", NOTO_CJK_DIR / f"{CJK[0]}-Bold.ttc", CJK[1]))
    for regular in sorted(NOTO_DIR.glob("NotoSans*-Regular.ttf")):
        stem = regular.name.removesuffix("-Regular.ttf")
        if stem not in PREFERRED_FALLBACKS and "Mono" not in stem:
            found.append((stem, regular, regular.with_name(f"{stem}-Bold.ttf"), 0))
    return tuple(entry for entry in found if entry[1].exists() and entry[2].exists())


def _fallbacks_for(text: str) -> tuple[list[tuple[str, Path, Path, int]], str | None]:
    """The fallback fonts `text` needs beyond DejaVu, and the first character none of them prints."""
    main = _main_coverage()
    needed = sorted({ord(c) for c in text if ord(c) not in main and ord(c) not in JOINERS and not c.isspace()})
    chosen: list[tuple[str, Path, Path, int]] = []
    for code in needed:
        if any(code in _coverage(entry[2], entry[3]) for entry in chosen):
            continue
        entry = next((e for e in _fallback_files() if code in _coverage(e[1], e[3]) and code in
                      _coverage(e[2], e[3])), None)
        if entry is None:
            return chosen, chr(code)
        chosen.append(entry)
    return chosen, None


def unprintable(text: str) -> str | None:
    """Return the first character of `text` that no installed font can print on a certificate, if any."""
    return _fallbacks_for(unicodedata.normalize("NFC", text))[1]


def _name(pdf: FPDF, y: float, name: str) -> float:
    """Print the learner's name centered from y, in any script: shaped, in its direction, with fallback fonts."""
    fallbacks, _ = _fallbacks_for(name)
    if not fallbacks:
        return _centered(pdf, y, name, "B", (26, 15), INK, max_lines=2)
    if f"{NAME_FAMILY}B" not in pdf.fonts:  # only what the reduced DejaVu prints: the rest from Noto
        pdf.add_font(NAME_FAMILY, "B", FONTS["B"], unicode_range=list(UNICODE_RANGES))
    families = []
    for stem, _regular, bold, number in fallbacks:
        family = stem.lower()
        if f"{family}B" not in pdf.fonts:
            pdf.add_font(family, "B", bold, collection_font_number=number)
        families.append(family)
    pdf.set_fallback_fonts(families, exact_match=True)
    pdf.set_text_shaping(True)
    try:
        return _centered(pdf, y, name, "B", (26, 15), INK, max_lines=2, family=NAME_FAMILY)
    finally:
        pdf.set_text_shaping(False)
        pdf.set_fallback_fonts([])


def _modules(pdf: FPDF, snap: CertificateSnapshot, x: float, y: float, w: float, row_h: float) -> None:
    """Print the module breakdown table from (x, y) with rows row_h high."""
    size = min(9.5, row_h * 1.6)
    hours_w = 16.0
    rows = [(title, format_hours(hours), "", INK) for title, hours in snap.modules]
    rows.append(("Total contact hours", format_hours(snap.contact_hours), "B", NAVY))
    _text(pdf, x, y, w - hours_w, "Module", "B", (size, size), NAVY, leading=row_h / size / PT)
    _text(pdf, x + w - hours_w, y, hours_w, "Hours", "B", (size, size), NAVY, "R", leading=row_h / size / PT)
    for index, (title, hours, style, color) in enumerate(rows):
        pdf.set_draw_color(*(NAVY if index in (0, len(rows) - 1) else RULE))
        pdf.set_line_width(0.3 if index in (0, len(rows) - 1) else 0.15)
        y += row_h
        pdf.line(x, y, x + w, y)
        _, lines = _fit(pdf, title, style, (size, size * 0.8), w - hours_w - 3)
        pdf.set_text_color(*color)
        pdf.set_xy(x, y)
        pdf.cell(w - hours_w, row_h, lines[0])
        pdf.set_font(FAMILY, style, size)
        pdf.cell(hours_w, row_h, hours, align="R")


@functools.lru_cache(maxsize=64)
def _qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """Return the QR code's width in modules and its dark runs as (row, first column, length)."""
    matrix = segno.make(url, error="m").matrix
    runs = []
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            start = col
            while col < len(cells) and cells[col]:
                col += 1
            if col > start:
                runs.append((row, start, col - start))
            col += 1
    return len(matrix), tuple(runs)


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of url as vector squares in a size x size box (its quiet zone lies outside)."""
    width, runs = _qr_runs(url)
    module = size / width
    pdf.set_fill_color(0, 0, 0)
    for row, col, length in runs:
        pdf.rect(x + col * module, y + row * module, length * module, module * 1.02, style="F")


def _signature(pdf: FPDF, snap: CertificateSnapshot, x: float, bottom: float, w: float) -> None:
    """Print the signatory line, name, title and provider in the box of width w ending at bottom."""
    rows = [(snap.signatory_name, "B", 10.5, INK), (snap.signatory_title, "", 9, MUTED),
            (snap.provider_name, "", 9, MUTED)]
    if snap.provider_number:
        rows.append((f"Provider number {snap.provider_number}", "", 9, MUTED))
    y = bottom - sum(size * 1.3 * PT for _, _, size, _ in rows) - 1.5
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(x, y, x + w, y)
    y += 1.5
    for text, style, size, color in rows:
        y = _text(pdf, x, y, w, text, style, (size, size * 0.75), color, leading=1.3)


def _seal(pdf: FPDF, snap: CertificateSnapshot, x: float, y: float, w: float) -> None:
    """Print the QR code with the certificate code and the issue date beside it."""
    qr_size = 27.0
    _qr(pdf, snap.verify_url, x, y, qr_size)
    text_x = x + qr_size + 5
    text_w = x + w - text_x
    below = _text(pdf, text_x, y + 1, text_w, "Certificate code", "", (8, 8), MUTED)
    below = _text(pdf, text_x, below + 0.5, text_w, snap.code, "B", (11, 7), NAVY)
    below = _text(pdf, text_x, below + 3, text_w, "Issued on", "", (8, 8), MUTED)
    _text(pdf, text_x, below + 0.5, text_w, format_date(snap.issued_on), "B", (10, 8), INK)


def _composed(snapshot: CertificateSnapshot) -> CertificateSnapshot:
    """Compose accents (NFC) so that letters typed with combining marks print as single glyphs."""
    texts = {name: unicodedata.normalize("NFC", getattr(snapshot, name)) for name in COMPOSED_FIELDS}
    modules = [(unicodedata.normalize("NFC", title), hours) for title, hours in snapshot.modules]
    return dataclasses.replace(snapshot, **texts, modules=modules)


def render_certificate(snapshot: CertificateSnapshot) -> bytes:
    """Render the certificate as PDF bytes; the same snapshot always gives the same bytes."""
    snap = _composed(snapshot)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    _add_fonts(pdf)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_title(f"Certificate {snap.code}")
    pdf.set_author(snap.provider_name)
    pdf.set_subject(snap.course_title)
    pdf.set_creator("learnpm")
    pdf.set_producer("learnpm")
    pdf.set_lang("en")
    pdf.set_creation_date(datetime.combine(snap.issued_on, time(), tzinfo=UTC))
    pdf.add_page()
    _border(pdf)

    header_bottom = _header(pdf, snap)
    footer_top = 178.0
    rows = len(snap.modules) + 2
    row_h = min(6.3, (footer_top - header_bottom - 12) / rows)
    block_h = max(rows * row_h, 56.0)
    top = header_bottom + max(6.0, (footer_top - header_bottom - block_h) / 2)
    _modules(pdf, snap, 24, top, 142, row_h)
    _seal(pdf, snap, 184, top, 89)
    _signature(pdf, snap, 184, top + block_h, 89)

    verify = f"Verify this certificate at {snap.verify_url} or scan the QR code."
    _centered(pdf, footer_top + 3, verify, "", (8.5, 6), INK, width=250)
    _centered(pdf, footer_top + 8, NOTICE, "", (7.5, 6), MUTED, width=250)
    return bytes(pdf.output())
