"""The two impact assessments (DPIA, UU 27/2022 art. 34) Pilar's own processing
needs: duplicate matching (record linkage over the whole registry) and program
scoring (a priority score per household or person). Their first drafts are written
from the code that does the processing (the linkage fields and blocking rules of
pilar.dedup.model_spec, the score components of pilar.programs.priority), so they
describe what actually runs; Dinas Sosial edits and approves them on /pdp/dpia/.
`seed_assessments` is called by migration 0002 and by `pilar pdp dpia-seed`.
"""

from __future__ import annotations

import datetime

from pilar.dedup.model_spec import BLOCKING_RULES, FIELDS
from pilar.pdp.choices import AssessmentTopic, RiskLevel
from pilar.programs.priority import COMPONENTS


def dedup_draft() -> dict:
    fields = "; ".join(f"{f.label} ({len(f.levels)} tingkat kemiripan)" for f in FIELDS)
    blocks = "; ".join(" + ".join(rule) for rule in BLOCKING_RULES)
    return {
        "topic": AssessmentTopic.DEDUP,
        "title": "DPIA pencocokan data ganda (record linkage)",
        "processing": (
            "Seluruh individu di registri dibandingkan berpasangan dengan model probabilistik "
            "Fellegi-Sunter (Splink, DuckDB) untuk menemukan orang yang tercatat lebih dari "
            "sekali. Pasangan hanya dibandingkan bila sama pada salah satu kunci blok: "
            f"{blocks}. Kolom yang dibandingkan: {fields}. Hasilnya peluang 'orang yang sama' "
            "per pasangan beserta bukti per kolom. Penggabungan TIDAK otomatis: petugas "
            "Dinas Sosial memeriksa tiap pasangan, memilih nilai per kolom, dan penggabungan "
            "dapat dibatalkan."
        ),
        "purpose": (
            "Satu orang tercatat satu kali, agar bantuan tidak ganda dan tidak ada yang "
            "terlewat; data akurat (UU 27/2022 pasal 16 ayat 2)."
        ),
        "legal_basis": (
            "UU 27/2022 pasal 20 ayat (2) huruf e; UU 13/2011 pasal 8 (verifikasi dan "
            "validasi data fakir miskin)."
        ),
        "data_used": "NIK, nama, tanggal dan tempat lahir, jenis kelamin, No. KK dan alamat.",
        "necessity": (
            "Pencocokan manual atas jutaan individu tidak mungkin; model dilatih tanpa label "
            "dan diuji pada data sintetis dan FEBRL4 (docs/development/dedup.md). Hanya "
            "kolom identitas yang dipakai, bukan data kesehatan atau ekonomi."
        ),
        "risks": (
            "1) Dua orang berbeda digabung (misalnya anak kembar, ayah dan anak bernama sama): "
            "satu kehilangan data atau bantuan. 2) Orang yang sama tidak ditemukan: bantuan "
            "ganda. 3) Daftar pasangan memperlihatkan data dua orang kepada pemeriksa."
        ),
        "measures": (
            "Penggabungan hanya oleh Dinas Sosial setelah pemeriksaan manusia; bukti per kolom "
            "ditampilkan; penggabungan tercatat lengkap dan dapat dibatalkan; pasangan yang "
            "diputuskan berbeda tidak diusulkan lagi; akses daftar pasangan tercatat di log "
            "akses; subjek data dapat melihat pemeriksaan yang mengenai dirinya melalui "
            "permintaan akses."
        ),
        "risk_level": RiskLevel.LOW,
    }


def scoring_draft() -> dict:
    parts = "; ".join(f"{c.label}: {c.rule}" for c in COMPONENTS)
    return {
        "topic": AssessmentTopic.SCORING,
        "title": "DPIA skor prioritas program bantuan",
        "processing": (
            "Untuk tiap program, aturan kelayakan memilih keluarga/individu, lalu setiap "
            "kandidat diberi skor prioritas yang terlihat rinciannya: "
            f"{parts}. Skor menyusun urutan daftar kandidat; penetapan peserta dilakukan "
            "petugas Dinas Sosial dalam batas kuota dan pagu, bukan otomatis."
        ),
        "purpose": (
            "Menyalurkan bantuan kepada yang paling membutuhkan terlebih dahulu secara "
            "transparan dan dapat dijelaskan."
        ),
        "legal_basis": (
            "UU 27/2022 pasal 20 ayat (2) huruf e; UU 13/2011; peraturan wali kota tentang "
            "program bantuan yang berlaku."
        ),
        "data_used": (
            "Desil nasional, hasil asesmen kemiskinan dan RTLH, data PPKS aktif, usia dan "
            "disabilitas anggota keluarga, lama terdaftar."
        ),
        "necessity": (
            "Kuota dan pagu terbatas sehingga perlu urutan; skor dihitung dari data yang "
            "sudah diverifikasi, setiap komponen dan poinnya ditampilkan, dan bukan skor "
            "nasional (desil tetap dari DTSEN)."
        ),
        "risks": (
            "1) Data yang keliru atau usang menurunkan prioritas seseorang. 2) Komponen "
            "disabilitas dan PPKS memakai data spesifik. 3) Keputusan yang seolah otomatis "
            "(pasal 10: hak keberatan atas keputusan otomatis)."
        ),
        "measures": (
            "Rincian skor per kandidat ditampilkan dan dapat diekspor; penetapan selalu oleh "
            "petugas dengan alasan penolakan tercatat; data PPKS kesehatan (ODHA, NAPZA) hanya "
            "terlihat oleh Dinas Sosial; asesmen ulang berkala; subjek data dapat meminta "
            "akses (melihat skornya) dan perbaikan data, serta mengajukan keberatan."
        ),
        "risk_level": RiskLevel.MEDIUM,
    }


def seed_assessments(model, today: datetime.date) -> int:
    """Create the two drafts if no assessment of their topic exists; returns how many
    were created. `model` is ImpactAssessment (or its migration-state twin)."""
    created = 0
    for draft in (dedup_draft(), scoring_draft()):
        if model.objects.filter(topic=draft["topic"]).exists():
            continue
        model.objects.create(**draft, review_due=today + datetime.timedelta(days=365))
        created += 1
    return created
