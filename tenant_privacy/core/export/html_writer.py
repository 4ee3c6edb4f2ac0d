"""``index.html`` of a disclosure: one self-contained page a person can read and
print (inline CSS, no scripts, no external assets, every value escaped)."""

from __future__ import annotations

import typing as t
from html import escape

from ..values import json_safe

__all__ = ["HtmlWriter"]

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:60rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:1px solid #bbb}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}
th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;border:1px solid #ccc}
th{width:30%;background:#f3f3f3;font-weight:600}
.meta{color:#444}.note{background:#fff7d6;border:1px solid #e0c96b;padding:.5rem .8rem}
nav ol{padding-left:1.2rem}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}
h2{break-before:page}table{break-inside:auto}tr{break-inside:avoid}}
"""


def _text(value: t.Any) -> str:
    value = json_safe(value)
    if value is None:
        return "\u2013"
    if isinstance(value, list | dict):
        return escape(str(value))
    return escape(str(value))


class HtmlWriter:
    """Writes the human-readable page to the text stream *out*, section by section.

    :param words: the page's fixed words in the reader's language (keys: ``title``,
        ``intro``, ``contents``, ``record``, ``about``, ``truncated``, ``none``).
    :param lang: the page's language code (``<html lang>``).
    """

    def __init__(self, out: t.TextIO, words: t.Mapping[str, str], lang: str) -> None:
        self.out = out
        self.words = words
        self.lang = lang

    def begin(
        self,
        heading: str,
        meta: t.Sequence[str],
        contents: t.Sequence[tuple[str, str, int]],
    ) -> None:
        """Open the page: title, the lines about the export, the table of contents
        (``(anchor, label, count)`` per source)."""
        w = self.words
        self.out.write(
            f'<!doctype html>\n<html lang="{escape(self.lang)}"><head>'
            '<meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width, initial-scale=1">'
            f"<title>{escape(w['title'])}</title><style>{STYLE}</style></head><body>"
            f"<h1>{escape(heading)}</h1>"
        )
        for line in meta:
            self.out.write(f'<p class="meta">{escape(line)}</p>')
        self.out.write(f"<p>{escape(w['intro'])}</p>")
        self.out.write(f"<nav><h2>{escape(w['contents'])}</h2><ol>")
        for anchor, label, count in contents:
            self.out.write(
                f'<li><a href="#{escape(anchor)}">{escape(label)}</a> ({count})</li>'
            )
        if not contents:
            self.out.write(f"<li>{escape(w['none'])}</li>")
        self.out.write("</ol></nav>")

    def begin_source(self, anchor: str, label: str) -> None:
        """Open the section of one source."""
        self.out.write(f'<section id="{escape(anchor)}"><h2>{escape(label)}</h2>')

    def record(
        self,
        title: str,
        fields: t.Sequence[tuple[str, t.Any]],
        about: t.Sequence[str] = (),
    ) -> None:
        """One record: a heading and a table of label -> value."""
        self.out.write(f"<h3>{escape(title)}</h3><table>")
        for label, value in fields:
            self.out.write(f"<tr><th>{escape(label)}</th><td>{_text(value)}</td></tr>")
        if about:
            about_text = escape(", ".join(about))
            self.out.write(
                f"<tr><th>{escape(self.words['about'])}</th><td>{about_text}</td></tr>"
            )
        self.out.write("</table>")

    def end_source(self) -> None:
        """Close the current section."""
        self.out.write("</section>")

    def end(self, truncated: bool) -> None:
        """Close the page; say so when the export was cut at its size limit."""
        if truncated:
            self.out.write(f'<p class="note">{escape(self.words["truncated"])}</p>')
        self.out.write("</body></html>\n")
