"""Official documents (recaps, reports) in the office's layout, as XLSX and PDF.

A document is described once (`model.Document`: letterhead, title, period, area,
blocks of tables, headline figures, charts, notes, signature) and written by two
writers that read the same description: `xlsx.write_xlsx` (XlsxWriter) and
`pdf.write_pdf` (ReportLab, a pure wheel: no system package). The letterhead and
signature come from the settings (`letterhead.letterhead()`, docs/operations.md).
"""
