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


def _glyphs(textpage) -> list[tuple[str, float, float, float, float, float]]:
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
        glyphs.append((char, left.value, bottom.value, right.value, top.value, size))
    return glyphs


def text_runs(page) -> list[Run]:
    """The page's text as runs of touching glyphs of one size, in reading order; a run drawn
    twice in the same place (an SVG label's halo and its fill) is kept once."""
    runs: list[list] = []
    for char, left, bottom, right, top, size in _glyphs(page.get_textpage()):
        if runs:
            last = runs[-1]
            gap_x = max(0.0, left - last[3], last[1] - right)
            gap_y = max(0.0, bottom - last[4], last[2] - top)
            if abs(size - last[5]) < 0.05 and gap_x < 0.4 * size and gap_y < 0.4 * size:
                last[0] += char
                last[1], last[2] = min(last[1], left), min(last[2], bottom)
                last[3], last[4] = max(last[3], right), max(last[4], top)
                continue
        runs.append([char, left, bottom, right, top, size])
    seen, unique = set(), []
    for run in runs:
        key = (run[0], round(run[1]), round(run[2]))
        if key not in seen:
            seen.add(key)
            unique.append(Run(*run))
    return unique


def overlapping_runs(runs: list[Run], share: float = 0.2) -> list[tuple[Run, Run]]:
    """Pairs of runs whose boxes overlap by more than ``share`` of the smaller box's area:
    text printed over other text."""
    ordered = sorted(runs, key=lambda r: r.left)
    pairs = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if second.left >= first.right:
                break
            width = min(first.right, second.right) - max(first.left, second.left)
            height = min(first.top, second.top) - max(first.bottom, second.bottom)
            if width > 0 and height > 0 and width * height > share * min(first.area(), second.area()) > 0:
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
