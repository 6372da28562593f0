"""A page of prose from a Markdown file (the about and methods page, for one)."""

from __future__ import annotations

from pathlib import Path

from generator.page_options import MarkdownOptions
from generator.pages.base import PageContext, PageKind, RenderedPage


class MarkdownPage(PageKind):
    kind = "markdown"
    Options = MarkdownOptions

    def render(self, options: MarkdownOptions, ctx: PageContext) -> RenderedPage:
        path = Path(ctx.report_dir or ".") / options.source  # checked when report.yaml loaded
        return RenderedPage(template="markdown.html", context={"markdown": path.read_text(encoding="utf-8-sig")})
