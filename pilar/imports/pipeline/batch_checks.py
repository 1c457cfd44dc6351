"""The checks that need the whole file or the registry, in SQL over a batch's staged rows.

Run by the check (``check.check_file``) after the rows are staged, in this order: the
whole-file checks, the match with the registry (which fills each row's plan:
``person_id`` / ``household_id``), the checks against the registry, the look-alike
warnings. A refused row is deleted from staging and its problem recorded, in one
statement per rule.
"""

from __future__ import annotations

from django.db.backends.utils import CursorWrapper

from pilar.imports.pipeline.staging import PROBLEM, STAGED


def whole_file_checks(cursor: CursorWrapper, batch_id: int) -> None:
    # The same NIK (or id_sumber) twice in the file: the first row wins.
    for column, key, label in (("nik", "nik", "NIK"), ("id_sumber", "source_id", "id_sumber")):
        cursor.execute(
            f"""
            WITH firsts AS (
                SELECT {key} AS k, min(row_number) AS first_row FROM {STAGED}
                WHERE batch_id = %s AND {key} IS NOT NULL AND {key} <> ''
                GROUP BY {key} HAVING count(*) > 1
            ), bad AS (
                SELECT s.id, s.row_number, firsts.first_row FROM {STAGED} s
                JOIN firsts ON s.{key} = firsts.k
                WHERE s.batch_id = %s AND s.row_number > firsts.first_row
            ), gone AS (DELETE FROM {STAGED} t USING bad WHERE t.id = bad.id)
            INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
            SELECT %s, row_number, %s, '{label} sama dengan baris ' || first_row || '.', true
            FROM bad
            """,
            [batch_id, batch_id, batch_id, column],
        )
    # One head per KK: a second head is refused.
    cursor.execute(
        f"""
        WITH heads AS (
            SELECT id, row_number, min(row_number) OVER (PARTITION BY group_key) AS first_row
            FROM {STAGED} WHERE batch_id = %s AND relation = 'kepala'
        ), bad AS (SELECT * FROM heads WHERE row_number > first_row),
        gone AS (DELETE FROM {STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'hubungan_keluarga',
               'KK ini sudah punya Kepala Keluarga di baris ' || first_row || '.', true
        FROM bad
        """,
        [batch_id, batch_id],
    )
    # One kelurahan per KK: the head's (else the first row's) wins.
    cursor.execute(
        f"""
        WITH ref AS (
            SELECT DISTINCT ON (group_key COLLATE "C") group_key, village_id, row_number
            FROM {STAGED} WHERE batch_id = %s
            ORDER BY group_key COLLATE "C", (relation = 'kepala') DESC, row_number
        ), bad AS (
            SELECT s.id, s.row_number, ref.row_number AS ref_row FROM {STAGED} s
            JOIN ref ON ref.group_key = s.group_key
            WHERE s.batch_id = %s AND s.village_id <> ref.village_id
        ), gone AS (DELETE FROM {STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'kode_kelurahan',
               'Kelurahan berbeda dengan anggota lain KK ini (baris ' || ref_row || ').', true
        FROM bad
        """,
        [batch_id, batch_id, batch_id],
    )


def match_registry(cursor: CursorWrapper, batch_id: int) -> None:
    """Fill person_id / household_id with the registered rows each staged row updates."""
    cursor.execute(
        f"""
        UPDATE {STAGED} s SET person_id = p.id FROM registry_person p
        WHERE s.batch_id = %s AND s.nik IS NOT NULL AND p.nik = s.nik AND p.is_active
        """,
        [batch_id],
    )
    cursor.execute(
        f"""
        UPDATE {STAGED} s SET person_id = p.id FROM registry_person p
        WHERE s.batch_id = %s AND s.person_id IS NULL AND s.source_id <> ''
          AND p.source_id = s.source_id AND p.is_active
          AND (s.nik IS NULL OR p.nik IS NULL)
        """,
        [batch_id],
    )
    cursor.execute(
        f"""
        UPDATE {STAGED} s SET household_id = h.id FROM registry_household h
        WHERE s.batch_id = %s AND s.no_kk IS NOT NULL AND h.no_kk = s.no_kk AND h.is_active
        """,
        [batch_id],
    )
    # No NIK: the same name and birth date inside the same KK is the same person.
    cursor.execute(
        f"""
        UPDATE {STAGED} s SET person_id = p.id FROM registry_person p
        WHERE s.batch_id = %s AND s.person_id IS NULL AND s.nik IS NULL
          AND s.household_id IS NOT NULL AND p.household_id = s.household_id AND p.is_active
          AND lower(p.name) = lower(s.name) AND p.birth_date IS NOT DISTINCT FROM s.birth_date
        """,
        [batch_id],
    )
    # Rows without a KK stay in the household the matched person is in.
    cursor.execute(
        f"""
        UPDATE {STAGED} s SET household_id = p.household_id FROM registry_person p
        WHERE s.batch_id = %s AND s.no_kk IS NULL AND s.person_id = p.id
        """,
        [batch_id],
    )
    # No KK and no NIK: name, birth date, kelurahan and address among households without KK.
    cursor.execute(
        f"""
        UPDATE {STAGED} s SET person_id = p.id, household_id = h.id
        FROM registry_person p JOIN registry_household h ON h.id = p.household_id
        WHERE s.batch_id = %s AND s.no_kk IS NULL AND s.person_id IS NULL AND s.nik IS NULL
          AND h.no_kk IS NULL AND h.is_active AND p.is_active AND h.village_id = s.village_id
          AND lower(h.address) = lower(s.address) AND lower(p.name) = lower(s.name)
          AND p.birth_date IS NOT DISTINCT FROM s.birth_date
        """,
        [batch_id],
    )


MSG_RESTRICTED = (
    "Pemrosesan data individu ini dibatasi (UU 27/2022, permintaan PDP #%s): baris ini "
    "ditahan dan tidak diimpor sampai pembatasan dicabut."
)


def hold_restricted(cursor: CursorWrapper, batch_id: int) -> int:
    """Rows that would change a person whose processing is restricted (decision 43)
    are held: refused with their reason. Run by the check, and again by the apply
    (a restriction may begin between the two). Returns how many were held."""
    cursor.execute(
        f"""
        WITH bad AS (
            SELECT s.id, s.row_number, p.processing_restriction_request AS ref
            FROM {STAGED} s JOIN registry_person p ON p.id = s.person_id
            WHERE s.batch_id = %s AND p.processing_restricted_since IS NOT NULL
        ), gone AS (DELETE FROM {STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'nik', replace(%s, '%%s', ref::text), true FROM bad
        """,
        [batch_id, batch_id, MSG_RESTRICTED],
    )
    return cursor.rowcount


def registry_checks(cursor: CursorWrapper, batch_id: int) -> None:
    hold_restricted(cursor, batch_id)
    # Two rows that resolve to one registered person (e.g. by NIK and by id_sumber).
    cursor.execute(
        f"""
        WITH firsts AS (
            SELECT person_id, min(row_number) AS first_row FROM {STAGED}
            WHERE batch_id = %s AND person_id IS NOT NULL GROUP BY person_id HAVING count(*) > 1
        ), bad AS (
            SELECT s.id, s.row_number, firsts.first_row FROM {STAGED} s
            JOIN firsts USING (person_id) WHERE s.batch_id = %s AND s.row_number > first_row
        ), gone AS (DELETE FROM {STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'nik',
               'Baris ini dan baris ' || first_row || ' menunjuk individu yang sama.', true
        FROM bad
        """,
        [batch_id, batch_id, batch_id],
    )
    # A new head for a registered KK whose current head is someone not in the file.
    cursor.execute(
        f"""
        WITH bad AS (
            SELECT s.id, s.row_number, p.name FROM {STAGED} s
            JOIN registry_person p ON p.household_id = s.household_id AND p.is_active
                 AND p.relation = 'kepala' AND p.life_status = 'hidup'
            WHERE s.batch_id = %s AND s.relation = 'kepala'
              AND p.id IS DISTINCT FROM s.person_id
              AND NOT EXISTS (
                  SELECT 1 FROM {STAGED} o WHERE o.batch_id = s.batch_id AND o.person_id = p.id
              )
        ), gone AS (DELETE FROM {STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'hubungan_keluarga',
               'KK ini sudah punya Kepala Keluarga lain di registri (' || name
               || '); ubah lewat halaman keluarga.', true
        FROM bad
        """,
        [batch_id, batch_id],
    )
    # A household to create needs an address on at least one of its rows.
    cursor.execute(
        f"""
        WITH empty AS (
            SELECT group_key FROM {STAGED} WHERE batch_id = %s AND household_id IS NULL
            GROUP BY group_key HAVING max(address) = ''
        ), bad AS (
            SELECT s.id, s.row_number FROM {STAGED} s JOIN empty USING (group_key)
            WHERE s.batch_id = %s
        ), gone AS (DELETE FROM {STAGED} t USING bad WHERE t.id = bad.id)
        INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT %s, row_number, 'alamat', 'Alamat wajib diisi (keluarga baru).', true FROM bad
        """,
        [batch_id, batch_id, batch_id],
    )


def lookalike_warnings(cursor: CursorWrapper, batch_id: int) -> None:
    """A new person with the name and birth date of a registered one is flagged before it
    is created (the duplicate review decides later whether they are one)."""
    cursor.execute(
        f"""
        INSERT INTO {PROBLEM} (batch_id, row_number, "column", message, is_error)
        SELECT DISTINCT ON (s.row_number) %s, s.row_number, 'nama',
               'Mirip individu yang sudah terdaftar: ' || p.name || ', lahir '
               || to_char(p.birth_date, 'DD-MM-YYYY') || ', kelurahan ' || p_h.village_id
               || ' (ID ' || p.id || '); periksa apakah orang yang sama.', false
        FROM {STAGED} s
        JOIN registry_person p ON lower(p.name) = lower(s.name) AND p.birth_date = s.birth_date
             AND p.is_active
        JOIN registry_household p_h ON p_h.id = p.household_id
        WHERE s.batch_id = %s AND s.person_id IS NULL AND s.birth_date IS NOT NULL
        ORDER BY s.row_number, p.id
        """,
        [batch_id, batch_id],
    )
