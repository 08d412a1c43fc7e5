#!/usr/bin/env python3
"""Renders a generated document (generate.py's JSON) to a real PDF: one SVG per page, laid out
here (headings, wrapped paragraphs, tables, footers), then `rsvg-convert -f pdf` (librsvg and
cairo; fonts embedded with correct text mappings, so poppler reads the text back as written).

    render.py SPEC.json OUT.pdf

A spec with "scanned": true gives image-only pages (200 dpi, slightly rotated), as a scanner
does: the app reads them with OCR.

Why not Qt's PDF writer: in a document that mixes the Noto CJK font with Latin text it writes no
text mapping for digits in Latin runs ("ERC-438181" is read back as "ERC-"), which would make
the benchmark test the renderer instead of Folio.
"""
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

PAGE_W, PAGE_H, MARGIN = 595, 842, 56
FONT = {"zh": "Noto Serif CJK SC", "en": "DejaVu Serif"}


def char_width(c, size):
    if unicodedata.east_asian_width(c) in ("W", "F"):
        return size
    return size * (0.33 if c in "ilj.,;:'|!()[] " else 0.62)


def text_width(text, size):
    return sum(char_width(c, size) for c in text)


def wrap(text, size, width):
    """Lines of at most width points: CJK breaks anywhere, Latin at spaces."""
    lines, line = [], ""
    for token in re.findall(r"[A-Za-z0-9,.%()'\"\-/:;$€]+\s*|\s+|.", text):
        if text_width(line + token.rstrip(), size) > width and line:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def blocks(page_html):
    """(kind, payload) for each block of generate.py's limited HTML."""
    for m in re.finditer(r"<h2[^>]*>(.*?)</h2>|<h3>(.*?)</h3>|<p align=\"center\"><small>(.*?)</small></p>|"
                         r"<p>(.*?)</p>|<table[^>]*>(.*?)</table>", page_html, re.S):
        if m.group(1) is not None:
            yield "title", html.unescape(m.group(1))
        elif m.group(2) is not None:
            yield "heading", html.unescape(m.group(2))
        elif m.group(3) is not None:
            yield "footer", html.unescape(m.group(3))
        elif m.group(4) is not None:
            yield "para", html.unescape(m.group(4))
        else:
            rows = [[html.unescape(c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", r)]
                    for r in re.findall(r"<tr>(.*?)</tr>", m.group(5))]
            yield "table", rows


def layout(page_html, language, size):
    """SVG elements and the height used, at font size `size`."""
    font = FONT[language]
    width = PAGE_W - 2 * MARGIN
    y = MARGIN
    out = []

    def text(x, y, s, sz, weight="normal", anchor="start"):
        out.append('<text x="%.1f" y="%.1f" font-family="%s" font-size="%.1f" font-weight="%s" '
                   'text-anchor="%s">%s</text>' % (x, y, font, sz, weight, anchor, html.escape(s)))
    footer = None
    for kind, payload in blocks(page_html):
        if kind == "footer":
            footer = payload
        elif kind == "title":
            y += size * 1.8
            text(PAGE_W / 2, y, payload, size * 1.5, "bold", "middle")
            y += size
        elif kind == "heading":
            y += size * 1.9
            text(MARGIN, y, payload, size * 1.1, "bold")
        elif kind == "para":
            y += size * 0.5
            for line in wrap(payload, size, width):
                y += size * 1.5
                text(MARGIN, y, line, size)
        else:
            columns = max(len(r) for r in payload)
            col = width / columns
            y += size * 0.6
            for r in payload:
                y += size * 1.7
                for i, cell in enumerate(r):
                    text(MARGIN + i * col + 4, y, cell, size, "bold" if r is payload[0] else "normal")
                out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black" stroke-width="0.5"/>'
                           % (MARGIN, y + size * 0.5, PAGE_W - MARGIN, y + size * 0.5))
    if footer:
        text(PAGE_W / 2, PAGE_H - MARGIN / 2, footer, size * 0.8, anchor="middle")
    return out, y


def page_svg(page_html, language):
    for size in (11, 10, 9, 8, 7, 6):
        elements, height = layout(page_html, language, size)
        if height <= PAGE_H - MARGIN:
            break
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">'
            '<rect width="100%%" height="100%%" fill="white"/>%s</svg>'
            % (PAGE_W, PAGE_H, "".join(elements)))


def scanned(svg_path, tmp, i):
    """The page as a scanner gives it: a 200 dpi grey image, slightly rotated, with no text layer."""
    png = os.path.join(tmp, "s%03d.png" % i)
    subprocess.run(["rsvg-convert", "-f", "png", "-z", "%.3f" % (200 / 72), "-o", png, svg_path],
                   check=True)
    wrapper = os.path.join(tmp, "s%03d.svg" % i)
    with open(wrapper, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                'width="%d" height="%d"><g transform="rotate(0.4 %d %d)"><image width="%d" '
                'height="%d" xlink:href="file://%s"/></g></svg>'
                % (PAGE_W, PAGE_H, PAGE_W // 2, PAGE_H // 2, PAGE_W, PAGE_H, png))
    return wrapper


def render(spec, out):
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, page in enumerate(spec["pages"]):
            path = os.path.join(tmp, "p%03d.svg" % i)
            with open(path, "w", encoding="utf-8") as f:
                f.write(page_svg(page, spec["language"]))
            files.append(scanned(path, tmp, i) if spec.get("scanned") else path)
        subprocess.run(["rsvg-convert", "-f", "pdf", "-o", out] + files, check=True)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        render(json.load(f), sys.argv[2])


if __name__ == "__main__":
    main()
