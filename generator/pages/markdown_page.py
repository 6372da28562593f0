"""A page of prose from a Markdown file (the about and methods page, for one)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from generator.errors import InputError, Problem
from generator.pages.base import PageContext, PageKind, PageOptions, RenderedPage
from generator.safepaths import inside_report
from generator.site.markdown import render_markdown


class MarkdownOptions(PageOptions):
    kind: Literal["markdown"]
    source: str = Field(description="Markdown file, relative to report.yaml's folder.")


class MarkdownPage(PageKind):
    kind = "markdown"
    Options = MarkdownOptions

    def build(self, options: MarkdownOptions, ctx: PageContext) -> RenderedPage:
        path = inside_report(Path(ctx.report_dir or "."), options.source, "report.yaml", f"page '{options.slug}': source")
        if not path.is_file():
            raise InputError(Problem(str(path), "", f"page '{options.slug}' names this Markdown file, which does not exist",
                                     "fix `source:` in report.yaml or create the file"))
        return RenderedPage(template="markdown.html", context={"body": render_markdown(path.read_text(encoding="utf-8-sig"))})
