/* Pilar Lapangan: the server's field rules, checked on the phone before a report
 * is queued. Mirrors pilar/registry/identity.py, pilar/registry/validation.py,
 * pilar/ppks/actions.py (check_person_rules) and pilar/submissions/checks.py;
 * the messages are the server's. The server checks everything again.
 */
(function (root) {
  "use strict";
  var NAME_RE = /^[A-Za-z\u00C0-\u024F .,'`\-]+$/;

  function clean(raw) { return String(raw == null ? "" : raw).replace(/[\s.\-]/g, ""); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function parseDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3];
    var dt = new Date(Date.UTC(y, mo - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
    return { y: y, m: mo, d: d };
  }

  function today() {
    var t = new Date();
    return t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate());
  }

  function ageOn(birth, on) {
    var b = parseDate(birth), o = parseDate(on);
    if (!b || !o) return null;
    var years = o.y - b.y;
    if (o.m < b.m || (o.m === b.m && o.d < b.d)) years -= 1;
    return years;
  }

  function validDayMonth(day, month, year2) {
    // stdnum: 19yy first, then 20yy.
    return [1900, 2000].some(function (c) {
      return parseDate((c + year2) + "-" + pad(month) + "-" + pad(day)) !== null;
    });
  }

  /* NIK: returns an error message or "" (identity.validate_nik). */
  function nikError(raw, provinces) {
    var v = clean(raw);
    if (!/^\d+$/.test(v)) return "NIK hanya boleh berisi angka.";
    if (v.length !== 16) return "NIK harus 16 digit (tertulis " + v.length + " digit).";
    if (v.slice(12) === "0000") return "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.";
    if (provinces && provinces.indexOf(v.slice(0, 2)) === -1) {
      return "Kode provinsi " + v.slice(0, 2) + " pada NIK tidak dikenal.";
    }
    var day = parseInt(v.slice(6, 8), 10) % 40;
    var month = parseInt(v.slice(8, 10), 10);
    var year2 = parseInt(v.slice(10, 12), 10);
    if (!validDayMonth(day, month, year2)) return "Tanggal lahir yang tersandi dalam NIK tidak valid.";
    return "";
  }

  function noKkError(raw, provinces) {
    var v = clean(raw);
    if (!/^\d+$/.test(v)) return "No. KK hanya boleh berisi angka.";
    if (v.length !== 16) return "No. KK harus 16 digit (tertulis " + v.length + " digit).";
    if (provinces && provinces.indexOf(v.slice(0, 2)) === -1) {
      return "Kode provinsi " + v.slice(0, 2) + " pada No. KK tidak dikenal.";
    }
    return "";
  }

  /* Disagreements between a valid NIK and the typed sex / birth date (identity.nik_mismatches). */
  function nikMismatches(nik, sex, birth) {
    var v = clean(nik);
    var rawDay = parseInt(v.slice(6, 8), 10);
    var fSex = rawDay > 40 ? "P" : "L";
    var fDay = rawDay % 40, fMonth = parseInt(v.slice(8, 10), 10), fYear2 = parseInt(v.slice(10, 12), 10);
    var out = [];
    if (sex && sex !== fSex) {
      out.push("NIK menunjukkan jenis kelamin " + (fSex === "P" ? "perempuan" : "laki-laki") +
        ", berbeda dengan yang diisi.");
    }
    var b = parseDate(birth);
    if (b && (b.d !== fDay || b.m !== fMonth || b.y % 100 !== fYear2)) {
      out.push("NIK menunjukkan tanggal lahir " + pad(fDay) + "-" + pad(fMonth) + "-xx" + pad(fYear2) +
        ", berbeda dengan yang diisi (" + pad(b.d) + "-" + pad(b.m) + "-" + b.y + ").");
    }
    return out;
  }

  function Errors() { this.map = {}; this.count = 0; }
  Errors.prototype.add = function (path, message) {
    (this.map[path] = this.map[path] || []).push(message);
    this.count++;
  };

  function rtRw(errors, path, value, label) {
    var t = String(value || "").trim();
    if (!t) return;
    if (!/^\d{1,3}$/.test(t) || +t === 0) errors.add(path, label + " harus berupa angka 1–999.");
  }

  /* Household fields (validation.clean_household), for the fields present in `h`.
   * full: every required field must be there (new household). */
  function household(errors, prefix, h, ref, full) {
    var provinces = ref.province_codes;
    if (full || "no_kk" in h || "no_kk_missing_reason" in h) {
      if (h.no_kk) {
        var e = noKkError(h.no_kk, provinces);
        if (e) errors.add(prefix + "no_kk", e);
      } else if (full && !h.no_kk_missing_reason) {
        errors.add(prefix + "no_kk_missing_reason",
          "No. KK kosong: pilih alasannya (misalnya tidak memiliki dokumen kependudukan).");
      }
    }
    if ((full || "address" in h) && !String(h.address || "").trim()) errors.add(prefix + "address", "Alamat wajib diisi.");
    if ("rt" in h) rtRw(errors, prefix + "rt", h.rt, "RT");
    if ("rw" in h) rtRw(errors, prefix + "rw", h.rw, "RW");
    if (full && !h.kelurahan) errors.add(prefix + "kelurahan", "Kelurahan wajib diisi.");
  }

  /* One person (validation.clean_person). `full`: a new person (all required
   * fields); otherwise only the corrected fields in p, merged over `current`. */
  function person(errors, prefix, p, ref, options) {
    options = options || {};
    var provinces = ref.province_codes;
    var now = today();
    var name = String(p.name || "").trim().replace(/\s+/g, " ");
    if (options.full || "name" in p) {
      if (!name) errors.add(prefix + "name", "Nama wajib diisi.");
      else if (!NAME_RE.test(name)) {
        errors.add(prefix + "name", "Nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan tanda hubung.");
      }
    }
    if ((options.full || "sex" in p) && !p.sex) errors.add(prefix + "sex", "Jenis kelamin wajib diisi.");
    var birthOk = true;
    if (p.birth_date) {
      if (!parseDate(p.birth_date)) {
        errors.add(prefix + "birth_date", "Tanggal lahir '" + p.birth_date + "' bukan tanggal yang valid (contoh: 17-08-1975).");
        birthOk = false;
      } else if (p.birth_date > now) {
        errors.add(prefix + "birth_date", "Tanggal lahir tidak boleh di masa depan.");
        birthOk = false;
      } else if (p.birth_date < "1900-01-01") {
        errors.add(prefix + "birth_date", "Tanggal lahir sebelum tahun 1900 tidak mungkin.");
        birthOk = false;
      }
    }
    if (options.full || "nik" in p || "nik_missing_reason" in p) {
      if (p.nik) {
        var e = nikError(p.nik, provinces);
        if (e) errors.add(prefix + "nik", e);
        else {
          var sex = p.sex || (options.current && options.current.sex);
          var birth = p.birth_date || (options.current && options.current.birth_date);
          var problems = nikMismatches(p.nik, sex, birthOk ? birth : "");
          if (problems.length && !String(p.nik_mismatch_reason || "").trim()) {
            problems.forEach(function (m) { errors.add(prefix + "nik", m); });
            errors.add(prefix + "nik_mismatch_reason",
              "Jika data sudah benar, isi alasan konfirmasi (misalnya: sesuai KTP asli).");
          }
          if (options.niks) {
            var key = clean(p.nik);
            if (options.niks[key] !== undefined) {
              errors.add(prefix + "nik", "NIK yang sama sudah diisi untuk anggota " + (options.niks[key] + 1) + ".");
            } else options.niks[key] = options.index;
          }
        }
      } else if (options.full && !p.nik_missing_reason) {
        errors.add(prefix + "nik_missing_reason",
          "NIK kosong: pilih alasannya (misalnya tidak memiliki dokumen kependudukan).");
      }
    }
    if ((options.full || "relation" in p) && !p.relation) {
      errors.add(prefix + "relation", "Hubungan dengan kepala keluarga wajib diisi.");
    }
  }

  /* PPKS type rules for one person on a date (ppks.actions.check_person_rules). */
  function ppksPerson(errors, prefix, type, p, on) {
    if (p.life_status && p.life_status !== "hidup") {
      errors.add(prefix + "person_id", p.name + " berstatus " + p.life_status + "; tidak dapat didaftarkan sebagai PPKS.");
    }
    if (type.min_age != null || type.max_age != null) {
      if (!p.birth_date) {
        errors.add(prefix + "ppks_type", type.name + " hanya untuk " + type.rule + "; tanggal lahir " + p.name + " belum diisi.");
      } else if (on) {
        var age = ageOn(p.birth_date, on);
        if ((type.min_age != null && age < type.min_age) || (type.max_age != null && age > type.max_age)) {
          errors.add(prefix + "ppks_type", type.name + " hanya untuk " + type.rule + "; usia " + p.name +
            " pada tanggal ditemukan adalah " + age + " tahun.");
        }
      }
    }
    if (type.sex && p.sex !== type.sex) {
      errors.add(prefix + "ppks_type", type.name + " hanya untuk " + (type.sex === "P" ? "perempuan" : "laki-laki") + ".");
    }
    if (p.birth_date && on && on < p.birth_date) {
      errors.add(prefix + "date_found", "Tanggal ditemukan tidak boleh sebelum tanggal lahir.");
    }
  }

  function date(errors, path, value, label, required) {
    if (!value) {
      if (required) errors.add(path, label + " wajib diisi.");
      return;
    }
    if (!parseDate(value)) errors.add(path, label + " tidak valid.");
    else if (value > today()) errors.add(path, label + " tidak boleh di masa depan.");
  }

  root.PilarRules = {
    Errors: Errors,
    clean: clean,
    parseDate: parseDate,
    today: today,
    ageOn: ageOn,
    nikError: nikError,
    noKkError: noKkError,
    nikMismatches: nikMismatches,
    household: household,
    person: person,
    ppksPerson: ppksPerson,
    date: date
  };
})(typeof self !== "undefined" ? self : this);
