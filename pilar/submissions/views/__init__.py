"""Pages of submissions ("Laporan" in the interface), one module per topic:
`lists` (the list with its export, the inbox), `review` (one submission, the
review, its photos), `turnaround`, `notifications`, and `verivali` (the optional
musyawarah and SK steps).

Submissions are written in the field app (/lapangan/); these pages read them and
carry decisions to the actions.
"""
