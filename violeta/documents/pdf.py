"""Official PDF documents: letterhead, confidentiality footer and watermark on every page."""

from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.http import HttpResponse
from django.utils.translation import gettext, override
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
# Mexican offices print on "tamaño carta".
PAGE_FORMAT = "Letter"
MARGIN_MM = 20.0
TOP_MARGIN_MM = 15.0
# Space between the lowest footer line and the paper's edge.
FOOTER_BOTTOM_MM = 10.0

BODY_PT = 10.0
BODY_LINE_MM = 5.0
SMALL_PT = 7.5
SMALL_LINE_MM = 3.5
CELL_PADDING_MM = 1.5

EMPTY_VALUE = "—"
BULLET = "•"
PRODUCER = "Violeta"

BLACK = (0, 0, 0)
GREY_TEXT = (90, 90, 90)
RULE_GREY = (150, 150, 150)
LABEL_FILL = (242, 242, 242)
HEADER_FILL = (225, 225, 225)
WATERMARK_GREY = (225, 225, 225)

# fpdf2 replaces this alias with the page count when the document is closed. It is replaced
# anywhere in the page content, so it is a string no user text is likely to contain.
TOTAL_PAGES_ALIAS = "{violeta:nb}"

# fontTools logs every font subset at INFO, glyph by glyph: noise in the server log, and a list
# of the characters a confidential document contains.
logging.getLogger("fontTools").setLevel(logging.WARNING)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def _clean(text: str) -> str:
    """Text as the font can draw it: composed accents, "\\n" line breaks, no control codes."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL_CHARACTERS.sub("", text)


@dataclass(frozen=True)
class _CellStyle:
    bold: bool = False
    fill: tuple[int, int, int] | None = None


class _Canvas(FPDF):
    """FPDF page with Violeta's letterhead, footer and watermark; fpdf2 calls them per page."""

    def __init__(
        self,
        *,
        title: str,
        issuer: str,
        issuer_detail: str,
        reference: str,
        watermark: str,
        footer_text: str,
        page_label: str,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAGE_FORMAT)
        self.doc_title = title
        self.issuer = issuer
        self.issuer_detail = issuer_detail
        self.reference = reference
        self.watermark = watermark
        self.footer_text = footer_text
        self.page_label = page_label
        # Where the body starts below the letterhead; the same on every page.
        self.content_top = TOP_MARGIN_MM
        self.footer_height = 0.0

    def header(self) -> None:
        with self.local_context():
            self._draw_watermark()
        with self.local_context():
            self.set_text_color(*BLACK)
            self._draw_letterhead()
        self.set_xy(self.l_margin, self.content_top)

    def footer(self) -> None:
        with self.local_context():
            label = self.page_label % {"page": self.page_no(), "total": TOTAL_PAGES_ALIAS}
            top = self.h - FOOTER_BOTTOM_MM - self.footer_height
            self.set_draw_color(*RULE_GREY)
            self.set_line_width(0.2)
            self.line(self.l_margin, top - 1.5, self.w - self.r_margin, top - 1.5)
            self.set_font(FONT, "", SMALL_PT)
            self.set_text_color(*GREY_TEXT)
            # The alias is wider than the number it becomes: place the label by the width of a
            # two-digit total so it ends close to the right margin.
            label_width = self.get_string_width(label.replace(TOTAL_PAGES_ALIAS, "00"))
            label_cell = label_width + 2 * self.c_margin
            self.set_xy(self.w - self.r_margin - label_cell, top)
            self.cell(w=label_cell, h=SMALL_LINE_MM, text=label)
            self.set_xy(self.l_margin, top)
            self.multi_cell(
                w=self._footer_text_width(),
                h=SMALL_LINE_MM,
                text=self.footer_text,
                align="L",
            )

    def wrap(self, text: str, width: float, line_height: float) -> list[str]:
        """The lines `multi_cell` would print for `text` in the current font."""
        lines = self.multi_cell(
            w=width, h=line_height, text=text, dry_run=True, output="LINES", padding=0
        )
        return cast(list[str], lines) or [""]

    def _footer_text_width(self) -> float:
        return self.epw * 0.78

    def measure_footer(self) -> None:
        """Reserve room for the footer's lines; call once the first page exists."""
        with self.local_context():
            self.set_font(FONT, "", SMALL_PT)
            lines = self.wrap(self.footer_text, self._footer_text_width(), SMALL_LINE_MM)
        self.footer_height = len(lines) * SMALL_LINE_MM
        self.set_auto_page_break(True, margin=FOOTER_BOTTOM_MM + self.footer_height + 6)

    def _draw_watermark(self) -> None:
        if not self.watermark:
            return
        # Drawn before anything else on the page, so the body prints over it.
        self.set_font(FONT, "B", 1)
        width_at_1pt = self.get_string_width(self.watermark)
        diagonal = math.hypot(self.w, self.h)
        size = max(12.0, min(60.0, diagonal * 0.7 / width_at_1pt)) if width_at_1pt else 60.0
        self.set_font(FONT, "B", size)
        self.set_text_color(*WATERMARK_GREY)
        center_x, center_y = self.w / 2, self.h / 2
        angle = math.degrees(math.atan2(self.h, self.w))
        with self.rotation(angle=angle, x=center_x, y=center_y):
            width = self.get_string_width(self.watermark)
            # Baseline a third of the font height below the centre centres the glyphs.
            self.text(
                x=center_x - width / 2,
                y=center_y + size * 0.3528 / 3,
                text=self.watermark,
            )

    def _draw_letterhead(self) -> None:
        top = self.t_margin
        reference_width = 0.0
        reference_bottom = top
        if self.reference:
            self.set_font(FONT, "B", 9)
            widest = max(self.get_string_width(line) for line in self.reference.split("\n"))
            reference_width = min(widest + 2 * self.c_margin + 0.5, self.epw * 0.4)
            self.set_xy(self.w - self.r_margin - reference_width, top)
            self.multi_cell(w=reference_width, h=4.5, text=self.reference, align="R")
            reference_bottom = self.y
        issuer_width = self.epw - reference_width - (4 if reference_width else 0)
        self.set_xy(self.l_margin, top)
        self.set_font(FONT, "B", 12)
        self.multi_cell(w=issuer_width, h=5.5, text=self.issuer, align="L")
        if self.issuer_detail:
            self.set_font(FONT, "", 8.5)
            self.set_text_color(*GREY_TEXT)
            self.set_x(self.l_margin)
            self.multi_cell(w=issuer_width, h=4, text=self.issuer_detail, align="L")
            self.set_text_color(*BLACK)
        self.set_xy(self.l_margin, max(self.y, reference_bottom) + 3)
        self.set_font(FONT, "B", 13)
        self.multi_cell(w=self.epw, h=6.5, text=self.doc_title, align="C")
        rule_y = self.y + 2
        self.set_draw_color(*RULE_GREY)
        self.set_line_width(0.3)
        self.line(self.l_margin, rule_y, self.w - self.r_margin, rule_y)
        self.content_top = rule_y + 5


class OfficialDocument:
    """A PDF with the issuer's letterhead, confidentiality footer and optional watermark.

    Build it top to bottom with the content methods, then call `output()` once. Text is drawn
    as given (no markup). The title goes into the PDF metadata: keep personal data out of it.
    `language` is the document's language: it tags the PDF and translates the fixed texts
    (footer notice, page numbers) whatever language the request is in.
    """

    def __init__(
        self,
        *,
        title: str,
        issuer: str,
        issuer_detail: str = "",
        reference: str = "",
        watermark: str = "",
        footer: str = "",
        language: str = "es",
    ) -> None:
        with override(language):
            footer_text = footer or gettext(
                "Documento confidencial: contiene datos personales sensibles. Su uso está "
                "limitado a la finalidad para la que se entrega."
            )
            page_label = gettext("Página %(page)s de %(total)s")
        pdf = _Canvas(
            title=_clean(title),
            issuer=_clean(issuer),
            issuer_detail=_clean(issuer_detail),
            reference=_clean(reference),
            watermark=" ".join(_clean(watermark).split()),
            footer_text=_clean(footer_text),
            page_label=page_label,
        )
        pdf.add_font(FONT, "", FONTS_DIR / "DejaVuSans.ttf")
        pdf.add_font(FONT, "B", FONTS_DIR / "DejaVuSans-Bold.ttf")
        pdf.set_margins(left=MARGIN_MM, top=TOP_MARGIN_MM, right=MARGIN_MM)
        pdf.alias_nb_pages(TOTAL_PAGES_ALIAS)
        # Metadata is readable by anyone holding the file: the title and our name, nothing more.
        pdf.set_title(_clean(title))
        pdf.set_creator(PRODUCER)
        pdf.set_producer(PRODUCER)
        pdf.set_lang(language)
        pdf.set_font(FONT, "", BODY_PT)
        pdf.add_page()
        pdf.measure_footer()
        self._pdf = pdf
        self._output: bytes | None = None

    # Content

    def heading(self, text: str) -> None:
        pdf = self._writable()
        text = _clean(text)
        pdf.set_font(FONT, "B", 11.5)
        lines = pdf.wrap(text, pdf.epw, 6)
        # Keep a heading with at least two lines of what follows it.
        if pdf.y > pdf.content_top and pdf.will_page_break(3 + 6 * len(lines) + 2 * BODY_LINE_MM):
            pdf.add_page()
        elif pdf.y > pdf.content_top:
            pdf.ln(3)
        pdf.multi_cell(w=pdf.epw, h=6, text=text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        pdf.set_font(FONT, "", BODY_PT)

    def paragraph(self, text: str) -> None:
        pdf = self._writable()
        pdf.set_font(FONT, "", BODY_PT)
        pdf.multi_cell(
            w=pdf.epw,
            h=BODY_LINE_MM,
            text=_clean(text),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(2)

    def fields(self, rows: Sequence[tuple[str, str]]) -> None:
        pdf = self._writable()
        widths = (pdf.epw * 0.34, pdf.epw * 0.66)
        label_style = _CellStyle(bold=True, fill=LABEL_FILL)
        value_style = _CellStyle()
        for label, value in rows:
            value = _clean(value)
            self._row(
                (_clean(label), value if value.strip() else EMPTY_VALUE),
                widths,
                (label_style, value_style),
            )
        pdf.ln(3)

    def bullets(self, items: Sequence[str]) -> None:
        pdf = self._writable()
        pdf.set_font(FONT, "", BODY_PT)
        indent = 6.0
        for item in items:
            # The bullet and the first line of its text stay on the same page.
            if pdf.will_page_break(BODY_LINE_MM):
                pdf.add_page()
            pdf.set_x(pdf.l_margin + 1)
            pdf.cell(w=indent - 1, h=BODY_LINE_MM, text=BULLET)
            pdf.multi_cell(
                w=pdf.epw - indent,
                h=BODY_LINE_MM,
                text=_clean(item),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.ln(0.8)
        pdf.ln(2)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A bordered table; cells wrap, and the header row repeats on every page it spans."""
        pdf = self._writable()
        if not header:
            raise ValueError("A table needs at least one column.")
        for index, row in enumerate(rows):
            if len(row) != len(header):
                raise ValueError(
                    f"Row {index} has {len(row)} cells; the header has {len(header)} columns."
                )
        header_cells = tuple(_clean(cell) for cell in header)
        body = [tuple(_clean(cell) for cell in row) for row in rows]
        widths = self._column_widths(header_cells, body)
        header_styles = tuple(_CellStyle(bold=True, fill=HEADER_FILL) for _ in header_cells)
        body_styles = tuple(_CellStyle() for _ in header_cells)

        def draw_header() -> None:
            self._row(header_cells, widths, header_styles)

        # Never leave the header alone at the bottom of a page.
        header_height = self._row_height(header_cells, widths, header_styles)
        if pdf.y > pdf.content_top and pdf.will_page_break(header_height + 2 * BODY_LINE_MM):
            pdf.add_page()
        draw_header()
        for row in body:
            self._row(row, widths, body_styles, after_page_break=draw_header)
        pdf.ln(3)

    def signature(self, name: str, position: str) -> None:
        pdf = self._writable()
        name, position = _clean(name), _clean(position)
        width = 75.0
        pdf.set_font(FONT, "", BODY_PT)
        position_lines = pdf.wrap(position, width + 20, 4.5)
        # Room to sign, the line, the name and the position stay together.
        block = 18 + 1 + 5.5 + 4.5 * len(position_lines) + 4
        if pdf.will_page_break(block):
            pdf.add_page()
        pdf.ln(18)
        left = pdf.l_margin + (pdf.epw - width) / 2
        with pdf.local_context():
            pdf.set_draw_color(*BLACK)
            pdf.set_line_width(0.3)
            pdf.line(left, pdf.y, left + width, pdf.y)
        pdf.ln(1)
        pdf.set_font(FONT, "B", BODY_PT)
        pdf.multi_cell(w=pdf.epw, h=5.5, text=name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if position:
            pdf.set_font(FONT, "", 9)
            pdf.set_x(left - 10)
            pdf.multi_cell(
                w=width + 20, h=4.5, text=position, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        pdf.set_font(FONT, "", BODY_PT)
        pdf.ln(4)

    def image_png(self, data: bytes, *, width_mm: float) -> None:
        """Place a PNG image (e.g. a QR code) at the left margin, in the flow of the text."""
        pdf = self._writable()
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("image_png() takes PNG data.")
        if not 0 < width_mm <= pdf.epw:
            raise ValueError(f"width_mm must be between 0 and {pdf.epw:.0f} mm.")
        pdf.image(io.BytesIO(data), w=width_mm)
        pdf.set_x(pdf.l_margin)
        pdf.ln(3)

    def output(self) -> bytes:
        """The finished PDF. The document is closed: later content calls raise."""
        if self._output is None:
            self._output = bytes(self._pdf.output())
        return self._output

    # Layout helpers

    def _writable(self) -> _Canvas:
        if self._output is not None:
            raise RuntimeError("The document was already output; build a new one.")
        return self._pdf

    def _wrap(self, text: str, width: float, style: _CellStyle) -> list[str]:
        self._pdf.set_font(FONT, "B" if style.bold else "", BODY_PT)
        return self._pdf.wrap(text, width - 2 * CELL_PADDING_MM, BODY_LINE_MM)

    def _row_height(
        self, cells: Sequence[str], widths: Sequence[float], styles: Sequence[_CellStyle]
    ) -> float:
        lines = max(
            len(self._wrap(text, width, style))
            for text, width, style in zip(cells, widths, styles, strict=True)
        )
        return lines * BODY_LINE_MM + 2 * CELL_PADDING_MM

    def _row(
        self,
        cells: Sequence[str],
        widths: Sequence[float],
        styles: Sequence[_CellStyle],
        *,
        after_page_break: Callable[[], None] | None = None,
    ) -> None:
        """Draw one bordered row; a row taller than what is left of the page continues on the
        next one (fpdf2's own tables refuse rows taller than a page)."""
        pdf = self._pdf
        pending = [
            self._wrap(text, width, style)
            for text, width, style in zip(cells, widths, styles, strict=True)
        ]
        total_lines = max(len(lines) for lines in pending)
        fitting = self._lines_fitting(pdf.y)
        # Move the whole row to the next page when it fits there, and never start a row with a
        # fragment of fewer than three lines.
        too_tall_here = pdf.y > pdf.content_top and fitting < total_lines
        if too_tall_here and (total_lines <= self._lines_fitting(pdf.content_top) or fitting < 3):
            self._page_break(after_page_break)
        while True:
            fitting = max(self._lines_fitting(pdf.y), 1)
            count = min(fitting, max(len(lines) for lines in pending))
            height = count * BODY_LINE_MM + 2 * CELL_PADDING_MM
            top, x = pdf.y, pdf.l_margin
            for lines, width, style in zip(pending, widths, styles, strict=True):
                self._draw_cell(x, top, width, height, lines[:count], style)
                x += width
            pending = [lines[count:] for lines in pending]
            pdf.set_xy(pdf.l_margin, top + height)
            if not any(pending):
                break
            self._page_break(after_page_break)
        pdf.set_font(FONT, "", BODY_PT)

    def _draw_cell(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        lines: Sequence[str],
        style: _CellStyle,
    ) -> None:
        pdf = self._pdf
        with pdf.local_context():
            pdf.set_draw_color(*RULE_GREY)
            pdf.set_line_width(0.2)
            if style.fill:
                pdf.set_fill_color(*style.fill)
            pdf.rect(x, y, width, height, style="DF" if style.fill else "D")
        pdf.set_font(FONT, "B" if style.bold else "", BODY_PT)
        for index, line in enumerate(lines):
            pdf.set_xy(x + CELL_PADDING_MM, y + CELL_PADDING_MM + index * BODY_LINE_MM)
            pdf.cell(w=width - 2 * CELL_PADDING_MM, h=BODY_LINE_MM, text=line)

    def _lines_fitting(self, y: float) -> int:
        room = self._pdf.page_break_trigger - y - 2 * CELL_PADDING_MM
        return max(int(room // BODY_LINE_MM), 0)

    def _page_break(self, after: Callable[[], None] | None) -> None:
        self._pdf.add_page()
        if after is not None:
            after()

    def _column_widths(
        self, header: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> tuple[float, ...]:
        """Share the width by content: short columns (dates, codes) stay narrow, but no
        column is narrower than its longest word when the page allows it."""
        pdf = self._pdf
        epw = pdf.epw
        pad = 2 * CELL_PADDING_MM + 0.5
        weights = []
        for column, title in enumerate(header):
            texts = [title, *(row[column] for row in rows)]
            pdf.set_font(FONT, "B", BODY_PT)
            natural = pdf.get_string_width(title) + pad
            longest_word = max((pdf.get_string_width(w) for w in title.split()), default=0) + pad
            pdf.set_font(FONT, "", BODY_PT)
            for text in texts[1:]:
                for line in text.split("\n"):
                    natural = max(natural, pdf.get_string_width(line) + pad)
                    longest_word = max(
                        longest_word,
                        max((pdf.get_string_width(w) for w in line.split()), default=0) + pad,
                    )
            weights.append(max(longest_word, min(natural, epw / 2)))
        total = sum(weights)
        return tuple(epw * weight / total for weight in weights)


def safe_filename(filename: str, *, default: str = "documento.pdf") -> str:
    """An ASCII file name without paths or quotes: "Núñez/2025 ¿?.pdf" → "Nunez_2025_.pdf"."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    name = _UNSAFE_FILENAME_CHARACTERS.sub("_", ascii_name).strip("._-")[:120]
    if not name:
        return default
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name


def pdf_response(data: bytes, *, filename: str) -> HttpResponse:
    """Send a PDF as a download that neither the browser nor any proxy keeps a copy of."""
    response = HttpResponse(data, content_type="application/pdf")
    # safe_filename() leaves only [A-Za-z0-9._-]: nothing to quote or encode.
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response["Cache-Control"] = "no-store, private"
    return response
