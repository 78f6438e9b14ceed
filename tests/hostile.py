"""Crafted files for the tests of hostile input, made in code (nothing to
download, nothing large committed)."""

from __future__ import annotations


def written(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalog), with its cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def pdf_with_tounicode(text: bytes, mapping: dict[int, str]) -> bytes:
    """A one-page PDF showing the codes ``text`` in Helvetica, whose ToUnicode
    maps each code to the UTF-16BE hex given (``"D83DDE00"``: a surrogate
    pair, a character outside the Basic Multilingual Plane)."""
    pairs = "\n".join(f"<{c:02X}> <{u}>" for c, u in sorted(mapping.items()))
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            f"1 begincodespacerange <00> <FF> endcodespacerange {len(mapping)} beginbfchar\n{pairs}\nendbfchar "
            "endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    return written(objects)


def docx_with_style_cycle(src, out) -> None:
    """``src`` (a .docx) written to ``out`` with its first two heading styles
    based on each other: a cycle of inheritance."""
    import re
    import zipfile

    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    styles = parts["word/styles.xml"].decode("utf-8")
    a, b = re.findall(r'w:styleId="(Heading\d)"', styles)[:2]
    for sid, on in ((a, b), (b, a)):
        pattern = re.compile(r'(<w:style [^>]*w:styleId="%s"[^>]*>)(.*?)(</w:style>)' % sid, re.S)
        styles = pattern.sub(lambda m: m.group(1) + f'<w:basedOn w:val="{on}"/>'
                             + re.sub(r'<w:basedOn w:val="[^"]*"/>', "", m.group(2)) + m.group(3), styles, count=1)
    parts["word/styles.xml"] = styles.encode("utf-8")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def simple_pdf(contents: list[bytes], size: tuple[float, float] = (595, 842)) -> bytes:
    """A PDF of one page per content stream (Helvetica as /F1), each ``size`` points."""
    n = len(contents)
    kids = " ".join(f"{3 + 2 * k} 0 R" for k in range(n)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    font = 3 + 2 * n
    for k, content in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (size[0], size[1], 4 + 2 * k, font))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return written(objects)


def text_page(text: str, y: float = 720) -> bytes:
    """A content stream showing ``text`` (Latin-1) at the top of the page."""
    return b"BT /F1 11 Tf 72 %g Td (" % y + text.encode("latin-1") + b") Tj ET"


def image_pdf(width_px: int, height_px: int) -> bytes:
    """A one-page PDF whose one image says it has ``width_px`` × ``height_px``
    grey pixels (its data is a few bytes: nothing to decode before the bound)."""
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    data = b"x\x9c\x03\x00\x00\x00\x00\x01"  # an empty zlib stream
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (width_px, height_px, len(data)) + data + b"\nendstream",
    ]
    return written(objects)
