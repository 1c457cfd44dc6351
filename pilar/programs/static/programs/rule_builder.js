/* Rule builder for program eligibility (pilar/programs/rules.py).
 *
 * Edits a JSON tree {op: "and"|"or", rules: [condition | group]} with a condition
 * being {field, operator, value}; every change re-renders the tree, writes the JSON
 * into the save form and asks the server for a preview (debounced POST with the
 * CSRF token). The server validates everything again: this file only helps to
 * write a rule, it decides nothing.
 */
(function () {
  "use strict";

  var cfgEl = document.getElementById("builder-config");
  var root = document.getElementById("rule-builder");
  if (!cfgEl || !root) return;
  var cfg = JSON.parse(cfgEl.textContent);
  var fields = {};
  cfg.fields.forEach(function (f) { fields[f.key] = f; });
  var rule = normalize(cfg.rule);
  var timer = null;
  var seq = 0;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      var input = document.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }
  }

  function normalize(node) {
    if (!node || typeof node !== "object" || !Array.isArray(node.rules)) {
      return { op: "and", rules: [] };
    }
    return node;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function defaultValue(field, operator) {
    if (!field) return null;
    if (field.type === "boolean") return true;
    if (operator === "between") return [field.minimum || 0, field.maximum || 0];
    if (operator === "in" || operator === "not_in") return field.choices.length ? [field.choices[0].value] : [];
    if (field.type === "choice") return field.choices.length ? field.choices[0].value : "";
    if (field.type === "number" || field.type === "age") return field.minimum || 0;
    return "";
  }

  function newCondition() {
    var f = cfg.fields[0];
    var op = f.operators[0].key;
    return { field: f.key, operator: op, value: defaultValue(f, op) };
  }

  function changed() {
    render();
    schedulePreview();
  }

  function fieldSelect(cond, pos) {
    var groups = {};
    var order = [];
    cfg.fields.forEach(function (f) {
      if (!groups[f.group_label]) { groups[f.group_label] = []; order.push(f.group_label); }
      groups[f.group_label].push(f);
    });
    var select = el("select", {
      "class": "form-select form-select-sm", "aria-label": "Kolom syarat " + pos, "data-role": "field",
      onchange: function (e) {
        var f = fields[e.target.value];
        cond.field = f.key;
        cond.operator = f.operators[0].key;
        cond.value = defaultValue(f, cond.operator);
        changed();
      },
    });
    if (!fields[cond.field]) {
      select.appendChild(el("option", { value: cond.field, text: "(kolom tidak dikenal: " + cond.field + ")" }));
    }
    order.forEach(function (label) {
      var og = el("optgroup", { label: label });
      groups[label].forEach(function (f) {
        var o = el("option", { value: f.key, text: f.label });
        if (f.key === cond.field) o.selected = true;
        og.appendChild(o);
      });
      select.appendChild(og);
    });
    return select;
  }

  function operatorSelect(cond, field, pos) {
    var select = el("select", {
      "class": "form-select form-select-sm", "aria-label": "Operator syarat " + pos, "data-role": "operator",
      onchange: function (e) {
        var before = cond.operator;
        cond.operator = e.target.value;
        var multiBefore = before === "in" || before === "not_in";
        var multiAfter = cond.operator === "in" || cond.operator === "not_in";
        if ((before === "between") !== (cond.operator === "between") || multiBefore !== multiAfter) {
          cond.value = defaultValue(field, cond.operator);
        }
        changed();
      },
    });
    (field ? field.operators : []).forEach(function (op) {
      var o = el("option", { value: op.key, text: op.label });
      if (op.key === cond.operator) o.selected = true;
      select.appendChild(o);
    });
    return select;
  }

  function numberInput(value, label, onValue) {
    return el("input", {
      type: "number", "class": "form-control form-control-sm", value: value === null || value === undefined ? "" : value,
      "aria-label": label, "data-role": "value",
      oninput: function (e) {
        var raw = e.target.value;
        onValue(raw === "" ? null : Number(raw));
        schedulePreview();
      },
    });
  }

  function valueInput(cond, field, pos) {
    var label = "Nilai syarat " + pos;
    if (!field) return el("span");
    if (field.type === "boolean") {
      return el("select", {
        "class": "form-select form-select-sm", "aria-label": label, "data-role": "value",
        onchange: function (e) { cond.value = e.target.value === "true"; changed(); },
      }, [
        el("option", cond.value === true ? { value: "true", text: "ya", selected: "" } : { value: "true", text: "ya" }),
        el("option", cond.value === false ? { value: "false", text: "tidak", selected: "" } : { value: "false", text: "tidak" }),
      ]);
    }
    if (cond.operator === "between") {
      var pair = Array.isArray(cond.value) ? cond.value : [null, null];
      cond.value = pair;
      return el("div", { "class": "d-flex gap-1 align-items-center" }, [
        numberInput(pair[0], label + " (dari)", function (v) { pair[0] = v; }),
        el("span", { "class": "small", text: "s.d." }),
        numberInput(pair[1], label + " (sampai)", function (v) { pair[1] = v; }),
      ]);
    }
    if (field.type === "number" || field.type === "age") {
      return numberInput(cond.value, label, function (v) { cond.value = v; });
    }
    if (field.type === "choice" || field.type === "multichoice") {
      var multiple = cond.operator === "in" || cond.operator === "not_in";
      var attrs = {
        "class": "form-select form-select-sm", "aria-label": label, "data-role": "value",
        onchange: function (e) {
          var picked = Array.prototype.filter.call(e.target.options, function (o) { return o.selected; })
            .map(function (o) { return field.choices[Number(o.getAttribute("data-index"))].value; });
          cond.value = multiple ? picked : picked[0];
          changed();
        },
      };
      if (multiple) { attrs.multiple = ""; attrs.size = String(Math.min(5, field.choices.length)); }
      var select = el("select", attrs);
      var current = multiple ? (Array.isArray(cond.value) ? cond.value : []) : [cond.value];
      field.choices.forEach(function (c, i) {
        var o = el("option", { value: String(c.value), "data-index": String(i), text: c.label });
        if (current.some(function (v) { return String(v) === String(c.value); })) o.selected = true;
        select.appendChild(o);
      });
      return select;
    }
    return el("input", {
      type: "text", "class": "form-control form-control-sm", value: cond.value || "", "aria-label": label,
      "data-role": "value",
      oninput: function (e) { cond.value = e.target.value; schedulePreview(); },
    });
  }

  function conditionRow(cond, parent, index, pos) {
    var field = fields[cond.field];
    return el("div", { "class": "rule-condition row g-1 align-items-start mb-1", "data-pos": pos }, [
      el("div", { "class": "col-auto small text-muted pt-1", text: pos }),
      // The field on its own line, operator and value below it: in the builder's
      // column (7/12 of a 1280-1366 px screen) three selects on one line cut their
      // options short ("paling banya", "Belum diperiks").
      el("div", { "class": "col" }, [fieldSelect(cond, pos)]),
      el("div", { "class": "w-100 d-block" }),
      el("div", { "class": "col-auto invisible small pt-1", "aria-hidden": "true", text: pos }),
      el("div", { "class": "col-12 col-sm-5" }, [operatorSelect(cond, field, pos)]),
      el("div", { "class": "col" }, [valueInput(cond, field, pos)]),
      el("div", { "class": "col-auto" }, [el("button", {
        type: "button", "class": "btn btn-sm btn-outline-danger", title: "Hapus syarat " + pos,
        "aria-label": "Hapus syarat " + pos, "data-role": "remove",
        onclick: function () { parent.rules.splice(index, 1); changed(); },
      }, [el("i", { "class": "bi bi-x-lg" })])]),
    ]);
  }

  function groupBox(group, parent, index, pos) {
    var label = pos ? "grup " + pos : "grup utama";
    var opSelect = el("select", {
      "class": "form-select form-select-sm w-auto", "aria-label": "Penghubung " + label, "data-role": "group-op",
      onchange: function (e) { group.op = e.target.value; changed(); },
    }, [
      el("option", group.op === "and" ? { value: "and", text: "SEMUA syarat (DAN)", selected: "" } : { value: "and", text: "SEMUA syarat (DAN)" }),
      el("option", group.op === "or" ? { value: "or", text: "SALAH SATU syarat (ATAU)", selected: "" } : { value: "or", text: "SALAH SATU syarat (ATAU)" }),
    ]);
    var header = el("div", { "class": "d-flex flex-wrap gap-2 align-items-center mb-2" }, [
      el("span", { "class": "small fw-semibold", text: pos ? "Grup " + pos + ":" : "Memenuhi" }),
      opSelect,
      el("button", {
        type: "button", "class": "btn btn-sm btn-outline-primary", "data-role": "add-condition",
        "aria-label": "Tambah syarat ke " + label,
        onclick: function () { group.rules.push(newCondition()); changed(); },
      }, [el("i", { "class": "bi bi-plus-lg" }), document.createTextNode(" Syarat")]),
      el("button", {
        type: "button", "class": "btn btn-sm btn-outline-secondary", "data-role": "add-group",
        "aria-label": "Tambah grup ke " + label,
        onclick: function () { group.rules.push({ op: group.op === "and" ? "or" : "and", rules: [newCondition()] }); changed(); },
      }, [el("i", { "class": "bi bi-diagram-2" }), document.createTextNode(" Grup")]),
      parent ? el("button", {
        type: "button", "class": "btn btn-sm btn-outline-danger ms-auto", "data-role": "remove-group",
        "aria-label": "Hapus " + label,
        onclick: function () { parent.rules.splice(index, 1); changed(); },
      }, [document.createTextNode("Hapus grup")]) : null,
    ]);
    var box = el("div", {
      "class": "rule-group border rounded p-2 mb-2" + (parent ? " ms-3 bg-light" : ""), "data-pos": pos || "0",
    }, [header]);
    if (!group.rules.length) {
      box.appendChild(el("p", { "class": "small text-muted mb-0", text: "Belum ada syarat: pratinjau menghitung semua." }));
    }
    group.rules.forEach(function (child, i) {
      var childPos = pos ? pos + "." + (i + 1) : String(i + 1);
      box.appendChild(Array.isArray(child.rules) ? groupBox(child, group, i, childPos) : conditionRow(child, group, i, childPos));
    });
    return box;
  }

  function render() {
    root.replaceChildren(groupBox(rule, null, 0, ""));
    var hidden = document.getElementById("rule-json");
    if (hidden) hidden.value = JSON.stringify(rule);
  }

  function schedulePreview() {
    var hidden = document.getElementById("rule-json");
    if (hidden) hidden.value = JSON.stringify(rule);
    clearTimeout(timer);
    timer = setTimeout(runPreview, 400);
  }

  function show(id, visible) { document.getElementById(id).classList.toggle("d-none", !visible); }

  function runPreview() {
    var mine = ++seq;
    var status = document.getElementById("preview-status");
    status.textContent = "Menghitung…";
    fetch(cfg.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ level: cfg.level, rule: rule }),
    }).then(function (resp) {
      return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
    }).then(function (res) {
      if (mine !== seq) return; // a newer preview is on its way
      var errors = document.getElementById("preview-errors");
      if (!res.ok) {
        var list = (res.body.errors && (res.body.errors.rule || res.body.errors.__all__)) || [res.body.message];
        errors.replaceChildren(el("ul", { "class": "mb-0" }, list.map(function (m) { return el("li", { text: m }); })));
        show("preview-errors", true);
        show("preview-count-wrap", false);
        show("preview-table", false);
        status.textContent = "Aturan belum valid.";
        return;
      }
      show("preview-errors", false);
      document.getElementById("preview-count").textContent = res.body.count.toLocaleString("id-ID");
      show("preview-count-wrap", true);
      var tbody = document.querySelector("#preview-table tbody");
      tbody.replaceChildren.apply(tbody, res.body.items.map(function (r) {
        var name = el("td", {}, [el("a", { href: r.url, text: r.name || "(tanpa nama)" }),
          r.age !== null ? el("span", { "class": "text-muted", text: " · " + r.age + " th" }) : null]);
        return el("tr", {}, [name, el("td", { text: r.id_number || "-" }),
          el("td", { text: r.address + ", " + r.kelurahan })]);
      }));
      show("preview-table", res.body.items.length > 0);
      status.textContent = res.body.count > res.body.items.length
        ? res.body.items.length + " data pertama ditampilkan." : "";
    }).catch(function () {
      if (mine !== seq) return;
      status.textContent = "Pratinjau gagal dimuat. Periksa koneksi lalu ubah aturan untuk mencoba lagi.";
    });
  }

  render();
  runPreview();
})();
