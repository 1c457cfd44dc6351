"""The import pipeline: check a whole file into staging, then apply it set-based.

The batch's state machine (waiting, checking, checked, importing, done...) is kept by
``pilar.imports.actions``; the modules here do the work and hand back what they found.

``check`` (``check.check_file``)
    Reads the file (``readers``), checks each row (``rows.RowChecker``), COPYs valid
    rows into ``imports_stagedrow`` and problems into ``imports_importproblem``
    (``staging``), then checks what needs the whole file or the registry with SQL
    (``batch_checks``: the same NIK twice, two heads in one KK, matches with people
    already registered) and counts the preview (``preview``). Nothing in the registry is
    written.
``apply`` (``apply.apply_rows``)
    In the caller's transaction: creates and updates households, persons, memberships
    and PPKS records with INSERT ... SELECT / UPDATE ... FROM over the staged rows, one
    function per stage, and writes their row history set-based too (``pilar.audit.bulk``:
    the same event rows the triggers would write, under one context naming the user and
    the batch), so every change is in the history with the batch it came from. A load
    big relative to the registry rebuilds the indexes of the tables it fills once at the
    end instead of row by row (``pilar.imports.bulkload``).

``plan`` holds the SQL that decides what a staged row changes, shared by the preview
and the apply; ``progress`` makes a running batch's progress visible to other sessions.

Speed (``benchmarks/RESULTS.md``): rows are checked by ``RowChecker.check_line`` (cached
per distinct cell value) and COPYed as text, by worker processes for a big file
(``parallel``, ``PILAR_IMPORT_WORKERS``) with the same result as in one process; the
apply draws every new id up front into a temp table of the batch's rows
(``import_rows``) rather than updating staging.

Matching an import row to a registered person (so importing a file twice creates
nothing the second time): by NIK; else by ``id_sumber``; else, in the household with
the row's No. KK, by name and birth date; else (no KK) by name, birth date, kelurahan
and address among households without a KK. What an import may overwrite is listed in
``plan.PERSON_OVERWRITE`` and ``plan.HOUSEHOLD_OVERWRITE`` (and in the user guide): a
non-empty cell replaces the registered value, an empty cell never erases one.
"""
