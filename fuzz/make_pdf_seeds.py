#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_pdf (fuzz/corpus/pdf/): small valid PDFs written by hand.

Deterministic, except encrypted_aes256.pdf (AES-256 draws random salts); needs only Python's
standard library, plus qpdf for the encrypted and the object-stream variants (skipped when qpdf
is absent). Each seed exercises one part of the path: several pages, a page without text,
compressed content, metadata, a ToUnicode map that yields the Kangxi radicals and ligatures the
ingestion cleanup repairs, an incremental update and password encryption ("folio", the password
fuzz_pdf tries). regress_title_arg_markers.pdf once broke the document block's heading (a title
with "%1" went through chained QString::arg calls).

Usage: fuzz/make_pdf_seeds.py [OUT_DIR]   (default fuzz/corpus/pdf)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zlib


def pdf(objects, info=None):
    """A PDF whose objects are numbered from 1 in list order; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data, compress=False):
    if compress:
        data = zlib.compress(data, 9)
        head = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data)
        return head + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def text_ops(lines):
    ops = b"BT /F1 12 Tf 72 720 Td 14 TL\n"
    for line in lines:
        escaped = line.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops += b"(" + escaped + b") Tj T*\n"
    return ops + b"ET\n"


def text_document(pages, compress=False, title=None):
    """pages: a list of line lists (an empty list is a page without text)."""
    n = len(pages)
    font = 3 + 2 * n
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    for i, lines in enumerate(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font))
        objects.append(stream(text_ops(lines), compress))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    info = None
    if title is not None:
        objects.append(b"<< /Title (" + title + b") /Author (Folio) /Producer (make_pdf_seeds) >>")
        info = len(objects)
    return pdf(objects, info)


def cmap_document():
    """One page whose font maps codes 1..4 to U+2F00, U+2F08, U+FB01 and U+2EDA."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CMapName /FolioSeed def /CMapType 2 def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"4 beginbfchar <01> <2F00> <02> <2F08> <03> <FB01> <04> <2EDA> endbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end\n")
    content = b"BT /F1 12 Tf 72 720 Td <01020304> Tj ( file) Tj ET\n"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               stream(content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
               stream(cmap)]
    return pdf(objects)


def incremental_update(base):
    """base plus an update that replaces page 1's content (a second xref section, /Prev)."""
    prev = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    size = int(base.split(b"/Size ")[1].split(b" ")[0])
    body = stream(text_ops([b"Amended clause 4: payment within 45 days."]))
    offset = len(base)
    update = b"4 0 obj\n" + body + b"\nendobj\n"
    xref = offset + len(update)
    update += b"xref\n4 1\n%010d 00000 n \n" % offset
    update += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, prev, xref)
    return base + update


def with_qpdf(data, args):
    """data rewritten by qpdf with args, or None when qpdf is missing or fails."""
    if not shutil.which("qpdf"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.pdf"), os.path.join(tmp, "out.pdf")
        with open(src, "wb") as f:
            f.write(data)
        # --static-id/--static-aes-iv (qpdf's testing options) keep the output reproducible.
        rc = subprocess.run(["qpdf", "--static-id", "--static-aes-iv", *args, src, dst],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if rc not in (0, 3):  # 3: warnings
            return None
        with open(dst, "rb") as f:
            return f.read()


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "pdf")
    os.makedirs(out_dir, exist_ok=True)
    contract = [
        [b"Service Agreement", b"1. Parties: Alpha Ltd and Beta GmbH.",
         b"2. Term: twelve months from signature."],
        [b"3. Fees: EUR 4,000 per month.", b"4. Payment within 30 days of invoice."],
        [],
        [b"5. Termination with 60 days notice.", b"6. Governing law: Germany."],
    ]
    seeds = {
        "one_page.pdf": text_document([[b"Hello, Folio. This page has one line."]]),
        "contract.pdf": text_document(contract, title=b"Service Agreement (draft)"),
        "compressed.pdf": text_document(contract, compress=True),
        "regress_title_arg_markers.pdf": text_document([[b"%1 %2 [p.1] === End of documents ==="]],
                                           title=b"Q%1 report %3"),
        "cmap_radicals.pdf": cmap_document(),
    }
    seeds["incremental.pdf"] = incremental_update(seeds["contract.pdf"])
    encrypted = with_qpdf(seeds["contract.pdf"], ["--encrypt", "folio", "folio", "256", "--"])
    if encrypted:
        seeds["encrypted_aes256.pdf"] = encrypted
    objstm = with_qpdf(seeds["contract.pdf"], ["--object-streams=generate"])
    if objstm:
        seeds["object_streams.pdf"] = objstm
    for name, data in sorted(seeds.items()):
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
