"""Official PDF documents printed by Violeta (fpdf2).

`pdf.OfficialDocument` lays out a document with the institution's letterhead, the document's
reference (e.g. a case folio), a confidentiality footer with "Página X de Y" and an optional
diagonal watermark on every page; its methods add headings, paragraphs, label/value fields,
bullets, tables, signature lines and PNG images (e.g. QR codes). `pdf.pdf_response` sends the
bytes as a download that no cache keeps.

The documents carry sensitive personal data, so the PDF's metadata holds only the document
title and "Violeta" as creator and producer: callers must keep names and other personal data
out of the title and the file name (use the folio). Text is set in the vendored DejaVu Sans,
embedded and subset, so any Latin, Greek or Cyrillic text (accents, ñ, ʼ in Rarámuri names)
prints as written.

This is a plain package, not a Django app: no models, migrations or URLs.
`testing.pdf_text` and `testing.pdf_metadata` read a PDF back in tests (pypdf, dev only).
"""
