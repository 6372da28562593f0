"""--single-file: every page as one HTML file that needs nothing beside it.

Mail filters strip .js files, even inside a zip, so a report that must arrive whole goes as
pages with every script, style, data script, static chart and CSV inlined. The pages still
link to each other by file name. Only the tags our own templates write are rewritten.
"""

from __future__ import annotations

import base64
import re

_SCRIPT = re.compile(r'<script src="([^"]+)"></script>')
_STYLE = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
_IMAGE = re.compile(r'src="(charts/[^"]+\.svg)"')
_DOWNLOAD = re.compile(r'href="(downloads/[^"]+\.csv)" download')


def _inline_script(code: str) -> str:
    # Inside <script>, only "</script" and "<!--" can end or confuse the element; both are
    # written so that JavaScript reads the same characters ("<\/" is "</" in JS strings
    # and regular expressions, and "<\!--" is "<!--").
    code = code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT").replace("<!--", "<\\!--")
    return "<script>" + code + "</script>"


def _data_uri(kind: str, content: bytes) -> str:
    return f"data:{kind};base64," + base64.b64encode(content).decode("ascii")


def single_file_site(files: dict[str, bytes]) -> dict[str, bytes]:
    """The HTML pages of ``files`` with everything they load inlined, plus the JSON records."""
    def text(path: str) -> str:
        return files[path].decode("utf-8")

    pages: dict[str, bytes] = {}
    for name, content in files.items():
        if "/" in name or not name.endswith(".html"):
            continue
        html = content.decode("utf-8")
        html = _SCRIPT.sub(lambda m: _inline_script(text(m.group(1))), html)
        html = _STYLE.sub(lambda m: "<style>" + text(m.group(1)).replace("</style", "<\\/style") + "</style>", html)
        html = _IMAGE.sub(lambda m: 'src="' + _data_uri("image/svg+xml", files[m.group(1)]) + '"', html)
        html = _DOWNLOAD.sub(
            lambda m: 'href="' + _data_uri("text/csv;charset=utf-8", files[m.group(1)]) + '" download="'
            + m.group(1).split("/")[-1] + '"', html)
        pages[name] = html.encode("utf-8")
    for record in ("manifest.json", "metrics.json"):
        pages[record] = files[record]
    pages.update({k: v for k, v in files.items() if k.startswith("assets/vendor/LICENSE")})
    return pages
