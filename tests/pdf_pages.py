"""Reading a printed PDF back, page by page, with pypdfium2 (PDFium's own text and raster).

`text_runs` groups a page's glyphs into runs (a word or a line: glyphs of one size that touch
or nearly touch), each with its box in points and its printed size (the font size times the
text matrix's scale, so text drawn inside a scaled SVG has the size it prints at).
`overlapping_runs` finds runs whose boxes cover each other; `used_height` measures how much
of the printable area a page uses, from its pixels.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

#: Points per millimetre.
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Run:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float

    def area(self) -> float:
        return max(0.0, self.right - self.left) * max(0.0, self.top - self.bottom)


def _glyphs(textpage) -> list[tuple]:
    """(char, left, bottom, right, top, printed size, upright) of each drawn glyph."""
    matrix = pdfium_c.FS_MATRIX()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    glyphs = []
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if not char.strip() or pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        pdfium_c.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix))
        size = pdfium_c.FPDFText_GetFontSize(textpage, index) * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
        glyphs.append((char, left.value, bottom.value, right.value, top.value, size, abs(matrix.a) >= abs(matrix.b)))
    return glyphs


def _continues(last: tuple, glyph: tuple) -> bool:
    """Whether ``glyph`` is the next glyph of the line ``last`` (the previous glyph) is on:
    same size and direction, on the same line, at most a space after it."""
    _, l0, b0, r0, t0, size0, upright0 = last
    _, l1, b1, r1, t1, size1, upright1 = glyph
    if abs(size0 - size1) > 0.05 or upright0 != upright1:
        return False
    if abs(l1 - l0) < 0.1 and abs(r1 - r0) < 0.1 and abs(b1 - b0) < 0.1:
        return True  # a ligature's second letter ("fi") shares the first one's box
    if upright0:  # left to right along one baseline
        middle = (b1 + t1) / 2
        # (a haloed letter's box is wider than the letter: neighbours' boxes may overlap)
        return b0 - 0.3 * size0 <= middle <= t0 + 0.3 * size0 and l1 > l0 + 0.05 * size0 and l1 - r0 < 0.4 * size0
    middle = (l1 + r1) / 2  # turned a quarter (a vertical axis title): along one column
    return l0 - 0.3 * size0 <= middle <= r0 + 0.3 * size0 and min(abs(b1 - t0), abs(b0 - t1)) < 0.4 * size0


def text_runs(page) -> list[Run]:
    """The page's text as runs (a word or a line: glyphs one after the other on one line, of
    one size), in reading order; a run drawn twice in the same place (an SVG label's halo and
    its fill) is kept once."""
    runs: list[list] = []
    last = None
    for glyph in _glyphs(page.get_textpage()):
        char, left, bottom, right, top, size, _ = glyph
        if last is not None and char == last[0] and abs(left + right - last[1] - last[3]) < 0.5 \
                and abs(bottom + top - last[2] - last[4]) < 0.5:
            continue  # the same letter drawn again in place: a halo's stroke (a wider box), then its fill
        if last is not None and _continues(last, glyph):
            run = runs[-1]
            run[0] += char
            run[1], run[2] = min(run[1], left), min(run[2], bottom)
            run[3], run[4] = max(run[3], right), max(run[4], top)
        else:
            runs.append([char, left, bottom, right, top, size])
        last = glyph
    seen, unique = set(), []
    for run in runs:
        key = (run[0], round(run[1]), round(run[2]))
        if key not in seen:
            seen.add(key)
            unique.append(Run(*run))
    return unique


def overlapping_runs(runs: list[Run], depth: float = 0.3) -> list[tuple[Run, Run]]:
    """Pairs of runs printed over each other: their boxes cross by more than half a point
    across and by more than ``depth`` of the lower run's height up and down (glyph boxes are
    tight, so lines of a paragraph or rows of a table never cross at all)."""
    ordered = sorted(runs, key=lambda r: r.left)
    pairs = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if second.left >= first.right:
                break
            width = min(first.right, second.right) - max(first.left, second.left)
            height = min(first.top, second.top) - max(first.bottom, second.bottom)
            lower = min(first.top - first.bottom, second.top - second.bottom)
            if width > 0.5 and height > depth * lower:
                pairs.append((first, second))
    return pairs


def used_height(page, margin_bottom_mm: float = 14.0) -> float:
    """The share of the page's height above its footer margin that lies between its first
    and last row of printed pixels (0 for a blank page)."""
    image = page.render(scale=0.5).to_pil().convert("L")
    width, height = image.size
    footer = int(height - margin_bottom_mm * PT_PER_MM * 0.5)
    pixels = image.load()
    rows = [y for y in range(footer) if any(pixels[x, y] < 230 for x in range(0, width, 2))]
    return (rows[-1] - rows[0] + 1) / footer if rows else 0.0


def pages(path) -> list:
    """The PDF's pages (pypdfium2 PdfPage objects)."""
    return list(pdfium.PdfDocument(str(path)))
