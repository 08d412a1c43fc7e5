#!/usr/bin/env python3
"""OCR of scanned pages: character error rate of Tesseract settings against the known text.

    ocr.py PDF... [--pages N] [--variants psm3,psm4,psm6] [--langs chi_sim+eng]

Each page of the given (generated, text-layer) PDFs is rendered at 300 dpi, as folio-ingest
renders a page without a text layer, and read with Tesseract under each variant; the known text
is the page's own text layer (pdftotext). CER = edit distance / reference length, whitespace
removed (Chinese has none, and line breaks are not errors). Prints one line per variant with the
mean CER per language and the mean seconds per page.
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

VARIANTS = {
    # name: extra tesseract arguments
    "psm3": ["--psm", "3"],                       # automatic layout (Tesseract's default)
    "psm4": ["--psm", "4"],                       # one column of text of variable sizes
    "psm6": ["--psm", "6"],                       # one uniform block of text
    "psm4-spaces": ["--psm", "4", "-c", "preserve_interword_spaces=1"],
}


def distance(a, b):
    """Levenshtein distance (two rows)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def squeeze(text):
    return re.sub(r"\s+", "", text)


def page_text(pdf, page):
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", pdf, "-"],
                          capture_output=True, text=True, check=True).stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdfs", nargs="+")
    ap.add_argument("--pages", type=int, default=2, help="pages per PDF (from page 2)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--langs", default="eng+chi_sim", help="the app's default: eng+chi_sim")
    args = ap.parse_args()
    results = {v: {"zh": [], "en": [], "seconds": []} for v in args.variants.split(",")}
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in args.pdfs:
            language = "zh" if "-zh" in os.path.basename(pdf) else "en"
            for page in range(2, 2 + args.pages):
                reference = squeeze(page_text(pdf, page))
                if not reference:
                    continue
                png = os.path.join(tmp, "page")
                subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "300", "-gray",
                                "-png", "-singlefile", pdf, png], check=True)
                for variant in results:
                    start = time.time()
                    out = subprocess.run(["tesseract", png + ".png", "stdout", "-l", args.langs]
                                         + VARIANTS[variant], capture_output=True, text=True,
                                         env=dict(os.environ, OMP_THREAD_LIMIT="1")).stdout
                    results[variant]["seconds"].append(time.time() - start)
                    cer = distance(squeeze(out), reference) / len(reference)
                    results[variant][language].append(cer)
    print("| variant | CER zh | CER en | s / page |\n|---|---|---|---|")
    for variant, r in results.items():
        def mean(xs):
            return "%.1f%%" % (100 * statistics.mean(xs)) if xs else "–"
        print("| %s | %s | %s | %.1f |" % (variant, mean(r["zh"]), mean(r["en"]),
                                           statistics.mean(r["seconds"]) if r["seconds"] else 0))


if __name__ == "__main__":
    main()
