"""The SQL that computes the figures, for the whole region or a set of kelurahan, either
as they stand (`at=None`, the kept figures) or as they stood at the end of a past day
(`at=<date>`, a backfilled snapshot, from the records' own dates).

Each function deletes the rows it is about to recompute (same snapshot, same kelurahan)
and inserts the new ones with one INSERT … SELECT, so a refresh of a few kelurahan and a
rebuild of the city run the same statements and cannot disagree (the property test
`tests/test_consistency.py` checks kept figures against a rebuild).

What a backfill cannot know (values overwritten without dates: the national desil,
NIK added later, open duplicate pairs that a later run replaced, candidate lists) it
leaves null, and `BACKFILL_NOTE` says so on the page.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from pilar.figures.choices import age_group_sql

BACKFILL_NOTE = (
    "Dihitung ulang dari tanggal pada catatan (tanggal ditemukan dan selesai PPKS, tanggal "
    "asesmen dan survei rumah, langkah laporan, langkah dan penyaluran program). Tidak "
    "tersedia untuk bulan ini karena catatannya tidak menyimpan riwayat tanggal: desil "
    "nasional, individu tanpa NIK, pasangan duplikat menunggu, daftar kandidat program, "
    "kunjungan keluarga terlambat. "
    "Wilayah memakai kelurahan keluarga saat ini (pindah domisili sebelumnya tidak "
    "tercatat per bulan); keluarga dihitung sejak tercatat di Pilar."
)

COUNTED = "('disetujui', 'disalurkan', 'selesai')"


def _vf(column: str, villages: list[str] | None) -> str:
    """A condition on `column` limiting rows to `villages` (None: every kelurahan)."""
    return f" AND {column} = ANY(%(villages)s::varchar[])" if villages is not None else ""


def _delete(cursor, table: str, snapshot_id: int | None, villages: list[str] | None) -> None:
    snap = "snapshot_id IS NULL" if snapshot_id is None else "snapshot_id = %(snapshot)s"
    cursor.execute(
        f"DELETE FROM {table} WHERE {snap}{_vf('village_id', villages)}",
        {"snapshot": snapshot_id, "villages": villages},
    )


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the deployment's time zone."""
    from zoneinfo import ZoneInfo

    nxt = day + datetime.timedelta(days=1)
    return datetime.datetime(nxt.year, nxt.month, nxt.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def ppks(
    cursor,
    *,
    on: datetime.date,
    villages: list[str] | None = None,
    snapshot_id: int | None = None,
    at: datetime.date | None = None,
) -> None:
    """Active PPKS records per kelurahan × type × sex × age group on `on`."""
    _delete(cursor, "figures_ppksfigure", snapshot_id, villages)
    if at is None:
        alive = "r.status = 'aktif'"
    else:
        # Found by then and not yet ended (a record ended without a date counts until
        # its status says so, i.e. it is counted only if still active).
        alive = (
            "r.date_found <= %(at)s AND ((r.ended_on IS NULL AND r.status = 'aktif') "
            "OR r.ended_on > %(at)s)"
        )
    cursor.execute(
        f"""
        INSERT INTO figures_ppksfigure (snapshot_id, village_id, ppks_type_id, sex, age_group, n)
        SELECT %(snapshot)s::bigint, h.village_id, r.ppks_type_id,
               CASE WHEN r.person_id IS NULL THEN '' ELSE p.sex END,
               CASE WHEN r.person_id IS NULL THEN ''
                    ELSE {age_group_sql("p.birth_date", "%(on)s::date")} END,
               count(*)
        FROM ppks_ppksrecord r
        JOIN registry_household h ON h.id = r.household_id
        LEFT JOIN registry_person p ON p.id = r.person_id
        WHERE {alive}{_vf("h.village_id", villages)}
        GROUP BY 1, 2, 3, 4, 5
        """,
        {"snapshot": snapshot_id, "villages": villages, "on": on, "at": at},
    )


def area(
    cursor,
    *,
    on: datetime.date,
    villages: list[str] | None = None,
    snapshot_id: int | None = None,
    at: datetime.date | None = None,
) -> None:
    """One row per kelurahan with active households: population, poverty, RTLH, data
    quality and the field reports waiting."""
    _delete(cursor, "figures_areafigure", snapshot_id, villages)
    params = {
        "snapshot": snapshot_id,
        "villages": villages,
        "on": on,
        "at": at,
        "until": _end_of_day(at) if at else None,
    }
    desil = ", ".join(f"count(*) FILTER (WHERE desil = {d})" for d in range(1, 11))
    if at is None:
        households = (
            "SELECT id, village_id, desil, true AS registered FROM registry_household h "
            f"WHERE h.is_active{_vf('h.village_id', villages)}"
        )
        persons = """
            SELECT hh.village_id, count(*) AS persons,
                   count(*) FILTER (WHERE p.nik IS NULL) AS no_nik
            FROM registry_person p JOIN hh ON hh.id = p.household_id
            WHERE p.is_active AND p.life_status = 'hidup' GROUP BY 1"""
        desil_cols = (
            f"ARRAY[{desil}]::integer[] AS desil, "
            "count(*) FILTER (WHERE desil IS NULL) AS desil_unknown"
        )
        assessed_by = ""
        surveyed_by = ""
        visit_by = ""
        fakir = "r.status = 'aktif'"
        dup = """
            SELECT h.village_id, count(*) AS n FROM dedup_candidatepair c
            JOIN registry_person p ON p.id = c.person_a_id
            JOIN hh h ON h.id = p.household_id
            WHERE c.status = 'terbuka' GROUP BY 1"""
        reports = f"""
            SELECT village_id,
                   count(*) FILTER (WHERE status = 'diajukan') AS to_verify,
                   count(*) FILTER (WHERE status = 'diverifikasi') AS to_validate,
                   count(*) FILTER (WHERE status = 'dikembalikan') AS returned
            FROM submissions_submission s
            WHERE status IN ('diajukan', 'diverifikasi', 'dikembalikan')
              {_vf("s.village_id", villages)}
            GROUP BY 1"""
        overdue_day = "%(on)s::date"
        visits = """
            SELECT hh.village_id, count(*) FILTER (WHERE f.due_on < %(on)s::date) AS n
            FROM freshness_householdfreshness f JOIN hh ON hh.id = f.household_id
            GROUP BY 1"""
    else:
        # Every active household, flagged whether Pilar had registered it by then: the
        # household counts need the registration, assessments and PPKS 24 carry their
        # own dates (an assessment may be entered for a household loaded later).
        households = (
            "SELECT id, village_id, desil, h.created_at < %(until)s AS registered "
            f"FROM registry_household h WHERE h.is_active{_vf('h.village_id', villages)}"
        )
        persons = """
            SELECT hh.village_id, count(*) AS persons, NULL::integer AS no_nik
            FROM registry_person p JOIN hh ON hh.id = p.household_id
            WHERE p.is_active AND p.created_at < %(until)s
              AND (p.life_status = 'hidup' OR p.life_status_date > %(at)s) GROUP BY 1"""
        desil_cols = "NULL::integer[] AS desil, NULL::integer AS desil_unknown"
        assessed_by = " AND a.assessed_on <= %(at)s"
        surveyed_by = " AND s.surveyed_on <= %(at)s"
        visit_by = " AND sub.visit_date <= %(at)s"
        fakir = (
            "r.date_found <= %(at)s AND ((r.ended_on IS NULL AND r.status = 'aktif') "
            "OR r.ended_on > %(at)s)"
        )
        dup = "SELECT NULL::varchar AS village_id, NULL::integer AS n WHERE false"
        # A report's state at the end of the day: its last step by then.
        reports = f"""
            SELECT s.village_id,
                   count(*) FILTER (
                       WHERE st.action IN ('diajukan', 'diajukan_ulang', 'dimusyawarahkan')
                   ) AS to_verify,
                   count(*) FILTER (WHERE st.action = 'diverifikasi') AS to_validate,
                   count(*) FILTER (WHERE st.action = 'dikembalikan') AS returned
            FROM submissions_submission s
            JOIN LATERAL (
                SELECT action FROM submissions_submissionstep x
                WHERE x.submission_id = s.id AND x.at < %(until)s
                ORDER BY x.at DESC, x.id DESC LIMIT 1
            ) st ON true
            WHERE s.first_submitted_at < %(until)s{_vf("s.village_id", villages)}
            GROUP BY 1"""
        overdue_day = "(%(at)s::date + 1)"
        # Only the current due dates are kept: a past month's overdue visits are unknown.
        visits = "SELECT NULL::varchar AS village_id, NULL::integer AS n WHERE false"
    cursor.execute(
        f"""
        WITH hh AS MATERIALIZED ({households}),
        hh_agg AS (
            SELECT village_id, count(*) FILTER (WHERE registered) AS households, {desil_cols}
            FROM hh GROUP BY village_id
        ),
        per AS ({persons}),
        pov AS (
            SELECT DISTINCT ON (a.household_id) a.household_id, a.is_poor, a.due_on
            FROM assessments_povertyassessment a JOIN hh ON hh.id = a.household_id
            WHERE true{assessed_by}
            ORDER BY a.household_id, a.assessed_on DESC, a.id DESC
        ),
        rt AS (
            SELECT DISTINCT ON (a.household_id) a.household_id, a.is_rtlh, a.due_on
            FROM assessments_rtlhassessment a JOIN hh ON hh.id = a.household_id
            WHERE true{assessed_by}
            ORDER BY a.household_id, a.assessed_on DESC, a.id DESC
        ),
        assess AS (
            SELECT hh.village_id,
                   count(pov.household_id) AS poverty_assessed,
                   count(*) FILTER (WHERE pov.is_poor) AS poverty_poor,
                   count(rt.household_id) AS rtlh_assessed,
                   count(*) FILTER (WHERE rt.is_rtlh) AS rtlh,
                   count(*) FILTER (WHERE pov.due_on < {overdue_day} OR rt.due_on < {overdue_day})
                       AS overdue
            FROM hh LEFT JOIN pov ON pov.household_id = hh.id
            LEFT JOIN rt ON rt.household_id = hh.id
            WHERE pov.household_id IS NOT NULL OR rt.household_id IS NOT NULL
            GROUP BY 1
        ),
        fakir AS (
            SELECT hh.village_id, count(DISTINCT r.household_id) AS n
            FROM ppks_ppksrecord r JOIN hh ON hh.id = r.household_id
            JOIN ppks_ppkstype t ON t.id = r.ppks_type_id AND t.number = 24
            WHERE {fakir} GROUP BY 1
        ),
        unvisited AS (
            SELECT hh.village_id, count(*) AS n FROM hh
            WHERE hh.registered AND NOT EXISTS (
                SELECT 1 FROM registry_housingsurvey s WHERE s.household_id = hh.id{surveyed_by})
              AND NOT EXISTS (
                SELECT 1 FROM submissions_submission sub
                WHERE sub.household_id = hh.id AND sub.visit_date IS NOT NULL
                  AND sub.status <> 'draf'{visit_by})
            GROUP BY 1
        ),
        dup AS ({dup}),
        rep AS ({reports}),
        visits AS ({visits}),
        villages AS (
            SELECT village_id FROM hh_agg UNION SELECT village_id FROM rep
        )
        INSERT INTO figures_areafigure (
            snapshot_id, village_id, households, persons, persons_no_nik, desil, desil_unknown,
            poverty_assessed, poverty_poor, fakir_miskin, rtlh_assessed, rtlh, never_visited,
            assessments_overdue, duplicates_open, reports_to_verify, reports_to_validate,
            reports_returned, visits_overdue)
        SELECT %(snapshot)s::bigint, v.village_id,
               coalesce(hh_agg.households, 0),
               coalesce(per.persons, 0),
               {"coalesce(per.no_nik, 0)" if at is None else "NULL"},
               {"coalesce(hh_agg.desil, ARRAY[0,0,0,0,0,0,0,0,0,0])" if at is None else "NULL"},
               {"coalesce(hh_agg.desil_unknown, 0)" if at is None else "NULL"},
               coalesce(assess.poverty_assessed, 0), coalesce(assess.poverty_poor, 0),
               coalesce(fakir.n, 0),
               coalesce(assess.rtlh_assessed, 0), coalesce(assess.rtlh, 0),
               coalesce(unvisited.n, 0),
               coalesce(assess.overdue, 0),
               {"coalesce(dup.n, 0)" if at is None else "0"},
               coalesce(rep.to_verify, 0), coalesce(rep.to_validate, 0), coalesce(rep.returned, 0),
               {"coalesce(visits.n, 0)" if at is None else "NULL"}
        FROM villages v
        LEFT JOIN hh_agg ON hh_agg.village_id = v.village_id
        LEFT JOIN per ON per.village_id = v.village_id
        LEFT JOIN assess ON assess.village_id = v.village_id
        LEFT JOIN fakir ON fakir.village_id = v.village_id
        LEFT JOIN unvisited ON unvisited.village_id = v.village_id
        LEFT JOIN dup ON dup.village_id = v.village_id
        LEFT JOIN rep ON rep.village_id = v.village_id
        LEFT JOIN visits ON visits.village_id = v.village_id
        """,
        params,
    )


def programs(
    cursor,
    *,
    villages: list[str] | None = None,
    snapshot_id: int | None = None,
    at: datetime.date | None = None,
) -> None:
    """Coverage and money per kelurahan × program × period."""
    _delete(cursor, "figures_programfigure", snapshot_id, villages)
    params = {
        "snapshot": snapshot_id,
        "villages": villages,
        "until": _end_of_day(at) if at else None,
        "at": at,
    }
    if at is None:
        sql = f"""
        WITH c AS (
            SELECT village_id, program_id, period, count(*) AS n, 0 AS listed, 0 AS proposed,
                   0 AS enrolled, 0 AS delivered, 0::numeric AS planned, 0::numeric AS paid
            FROM programs_candidate WHERE true{_vf("village_id", villages)} GROUP BY 1, 2, 3
        ),
        e AS (
            SELECT village_id, program_id, period, 0 AS n,
                   count(*) FILTER (WHERE status <> 'ditolak') AS listed,
                   count(*) FILTER (WHERE status = 'diusulkan') AS proposed,
                   count(*) FILTER (WHERE status IN {COUNTED}) AS enrolled,
                   count(*) FILTER (WHERE status IN ('disalurkan', 'selesai')) AS delivered,
                   coalesce(sum(amount) FILTER (WHERE status IN {COUNTED}), 0) AS planned,
                   0::numeric AS paid
            FROM programs_enrollment WHERE true{_vf("village_id", villages)} GROUP BY 1, 2, 3
        ),
        d AS (
            SELECT e.village_id, e.program_id, e.period, 0 AS n, 0 AS listed, 0 AS proposed,
                   0 AS enrolled, 0 AS delivered, 0::numeric AS planned, sum(d.amount) AS paid
            FROM programs_delivery d JOIN programs_enrollment e ON e.id = d.enrollment_id
            WHERE true{_vf("e.village_id", villages)} GROUP BY 1, 2, 3
        )
        INSERT INTO figures_programfigure (snapshot_id, village_id, program_id, period, eligible,
            proposed, enrolled, delivered, amount_planned, amount_delivered)
        SELECT %(snapshot)s::bigint, village_id, program_id, period, sum(n) + sum(listed),
               sum(proposed),
               sum(enrolled), sum(delivered), sum(planned), sum(paid)
        FROM (SELECT * FROM c UNION ALL SELECT * FROM e UNION ALL SELECT * FROM d) x
        GROUP BY village_id, program_id, period
        """
    else:
        # Enrolled by then: approved by then (the approval step's time); delivered and
        # paid: deliveries dated by then. Candidate lists are regenerated, not kept.
        sql = f"""
        WITH approved AS (
            SELECT e.id, e.village_id, e.program_id, e.period, e.amount
            FROM programs_enrollment e
            WHERE EXISTS (SELECT 1 FROM programs_enrollmentstep s WHERE s.enrollment_id = e.id
                          AND s.action = 'setujui' AND s.at < %(until)s)
              {_vf("e.village_id", villages)}
        ),
        paid AS (
            SELECT d.enrollment_id, sum(d.amount) AS amount FROM programs_delivery d
            JOIN approved a ON a.id = d.enrollment_id
            WHERE d.delivered_on <= %(at)s GROUP BY 1
        )
        INSERT INTO figures_programfigure (snapshot_id, village_id, program_id, period, eligible,
            proposed, enrolled, delivered, amount_planned, amount_delivered)
        SELECT %(snapshot)s::bigint, a.village_id, a.program_id, a.period, NULL, NULL, count(*),
               count(paid.enrollment_id), coalesce(sum(a.amount), 0), coalesce(sum(paid.amount), 0)
        FROM approved a LEFT JOIN paid ON paid.enrollment_id = a.id
        GROUP BY 2, 3, 4
        """
    cursor.execute(sql, params)


def reports(cursor, *, villages: list[str] | None = None) -> None:
    """Field reports by kelurahan and month: submitted, decided, days to the decision."""
    cursor.execute(
        f"DELETE FROM figures_reportfigure WHERE true{_vf('village_id', villages)}",
        {"villages": villages},
    )
    cursor.execute(
        f"""
        INSERT INTO figures_reportfigure (village_id, month, submitted, validated, rejected,
                                          decided_days)
        SELECT village_id, month, sum(submitted), sum(validated), sum(rejected), sum(days)
        FROM (
            SELECT village_id,
                   date_trunc('month', first_submitted_at AT TIME ZONE %(tz)s)::date AS month,
                   1 AS submitted, 0 AS validated, 0 AS rejected, 0::float AS days
            FROM submissions_submission
            WHERE first_submitted_at IS NOT NULL{_vf("village_id", villages)}
            UNION ALL
            SELECT village_id, date_trunc('month', decided_at AT TIME ZONE %(tz)s)::date,
                   0, (status = 'divalidasi')::int, (status = 'ditolak')::int,
                   extract(epoch FROM decided_at - coalesce(first_submitted_at, decided_at))
                       / 86400.0
            FROM submissions_submission
            WHERE decided_at IS NOT NULL AND status IN ('divalidasi', 'ditolak')
              {_vf("village_id", villages)}
        ) x
        GROUP BY 1, 2
        """,
        {"villages": villages, "tz": settings.TIME_ZONE},
    )
