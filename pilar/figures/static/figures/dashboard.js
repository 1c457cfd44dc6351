/* Pilar dashboard: draws the charts (Apache ECharts) and the map (Leaflet) from the
   JSON the page embeds (#dashboard-data). Every bar, point and map area opens the list
   behind it. No inline script on the page: a Content-Security-Policy forbids it. */
(function () {
  "use strict";

  var dataNode = document.getElementById("dashboard-data");
  if (!dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var charts = [];
  var fmt = new Intl.NumberFormat("id-ID");

  function number(n) {
    return n === null || n === undefined ? "–" : fmt.format(n);
  }

  function empty(el, message) {
    el.classList.add("chart-empty");
    el.textContent = message || el.getAttribute("data-empty") || "Tidak ada data.";
    el.setAttribute("data-drawn", "empty");
  }

  function chart(id, option, links) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var c = echarts.init(el, null, { renderer: "svg" });
    option.textStyle = { fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif" };
    option.animation = false;
    c.setOption(option);
    if (links) {
      c.on("click", function (params) {
        var href = links(params);
        if (href) window.location.href = href;
      });
    }
    el.setAttribute("data-drawn", "chart");
    charts.push(c);
    return c;
  }

  function allNull(list) {
    return !list || list.every(function (v) { return v === null || v === undefined; });
  }

  function sum(list) {
    return (list || []).reduce(function (a, b) { return a + (b || 0); }, 0);
  }

  if (data.empty) {
    document.querySelectorAll(".chart").forEach(function (el) { empty(el, data.empty); });
    return;
  }

  // PPKS per kecamatan / kelurahan: horizontal bars, largest on top.
  (function () {
    var el = document.getElementById("chart-ppks-area");
    var rows = (data.ppksByArea || []).slice().sort(function (a, b) { return (a.n || 0) - (b.n || 0); });
    if (!el) return;
    if (!rows.length || sum(rows.map(function (r) { return r.n; })) === 0) return empty(el);
    chart("chart-ppks-area", {
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number },
      xAxis: { type: "value", axisLabel: { formatter: number } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { fontSize: 11 } },
      series: [{ type: "bar", name: "PPKS aktif", data: rows.map(function (r) { return r.n; }),
        itemStyle: { color: "#0d6efd" }, cursor: "pointer",
        label: { show: true, position: "right", formatter: function (p) { return number(p.value); }, fontSize: 10 } }]
    }, function (p) { return rows[p.dataIndex] && rows[p.dataIndex].link; });
  })();

  // PPKS by type: 26 horizontal bars (restricted types hidden from roles that may not see them).
  (function () {
    var el = document.getElementById("chart-ppks-type");
    if (!el) return;
    var rows = (data.ppksByType || []).filter(function (t) { return t.n !== null; }).reverse();
    if (!rows.length || sum(rows.map(function (r) { return r.n; })) === 0) return empty(el);
    chart("chart-ppks-type", {
      grid: { left: 8, right: 40, top: data.ppksHidden ? 24 : 8, bottom: 8, containLabel: true },
      title: data.ppksHidden ? { text: data.ppksHidden, textStyle: { fontSize: 11, fontWeight: "normal", color: "#6c757d" } } : undefined,
      tooltip: { trigger: "item", formatter: function (p) { return rows[p.dataIndex].title + ": " + number(p.value); } },
      xAxis: { type: "value", axisLabel: { formatter: number } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { fontSize: 10 } },
      series: [{ type: "bar", data: rows.map(function (r) { return r.n; }), itemStyle: { color: "#6610f2" },
        label: { show: true, position: "right", formatter: function (p) { return number(p.value); }, fontSize: 10 } }]
    }, function (p) { return rows[p.dataIndex] && rows[p.dataIndex].link; });
  })();

  // Trend over 12 months.
  (function () {
    var el = document.getElementById("chart-trend");
    var t = data.trend;
    if (!el) return;
    if (!t || allNull(t.ppks)) return empty(el);
    var series = [
      ["PPKS aktif", t.ppks, "#0d6efd"],
      ["Keluarga fakir miskin", t.fakir_miskin, "#dc3545"],
      ["Miskin (14 kriteria BPS)", t.poverty_poor, "#fd7e14"],
      ["RTLH tersisa", t.rtlh, "#198754"]
    ].map(function (s) {
      return { type: "line", name: s[0], data: s[1], connectNulls: false, symbolSize: 6,
        itemStyle: { color: s[2] }, lineStyle: { color: s[2] } };
    });
    chart("chart-trend", {
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", valueFormatter: number },
      xAxis: { type: "category", data: t.months, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", axisLabel: { formatter: number } },
      series: series
    }, function (p) { return t.links && t.links[p.dataIndex]; });
  })();

  // Persons by age group and sex.
  (function () {
    var el = document.getElementById("chart-sexage");
    if (!el) return;
    var groups = ["0-5", "6-17", "18-59", "60+", "?"];
    var labels = ["0–5", "6–17", "18–59", "60+", "tidak diketahui"];
    var sa = data.sexAge || {};
    var male = groups.map(function (g) { return (sa.L || {})[g] || 0; });
    var female = groups.map(function (g) { return (sa.P || {})[g] || 0; });
    if (sum(male) + sum(female) === 0) return empty(el);
    chart("chart-sexage", {
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, fontSize: 10 } },
      yAxis: { type: "value", axisLabel: { formatter: number } },
      series: [
        { type: "bar", name: "Laki-laki", data: male, itemStyle: { color: "#0dcaf0" } },
        { type: "bar", name: "Perempuan", data: female, itemStyle: { color: "#d63384" } }
      ]
    }, function (p) {
      var links = data.sexAgeLinks || {};
      var sex = p.seriesIndex === 0 ? "L" : "P";
      return links[sex] && links[sex][groups[p.dataIndex]];
    });
  })();

  // RTLH burn-down: actual months, then the straight path to zero at the target year.
  (function () {
    var el = document.getElementById("chart-rtlh");
    var r = data.rtlh;
    if (!el || !r) return;
    if (allNull(r.actual) && !r.now) return empty(el);
    var months = r.months.slice();
    var actual = r.actual.slice();
    var target = actual.map(function () { return null; });
    target[target.length - 1] = r.now;
    var steps = 4;
    for (var i = 1; i <= steps; i++) {
      var left = Math.round(r.monthsLeft * i / steps);
      months.push("+" + left + " bln");
      actual.push(null);
      target.push(Math.max(0, Math.round(r.now * (1 - i / steps))));
    }
    months[months.length - 1] = "Des " + r.targetYear;
    chart("chart-rtlh", {
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", valueFormatter: number },
      xAxis: { type: "category", data: months, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: number } },
      series: [
        { type: "line", name: "RTLH tersisa", data: actual, itemStyle: { color: "#198754" } },
        { type: "line", name: "Jalur ke nol (" + r.targetYear + ")", data: target, connectNulls: true,
          lineStyle: { type: "dashed", color: "#6c757d" }, itemStyle: { color: "#6c757d" } }
      ]
    }, function () { return data.rtlhLink; });
  })();

  // Program coverage: eligible -> enrolled -> delivered per program period.
  (function () {
    var el = document.getElementById("chart-programs");
    var rows = data.programs || [];
    if (!el) return;
    if (!rows.length) return empty(el);
    chart("chart-programs", {
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number },
      xAxis: { type: "value", axisLabel: { formatter: number } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { fontSize: 10, width: 110, overflow: "truncate" } },
      series: [
        { type: "bar", name: "Layak", data: rows.map(function (r) { return r.eligible; }), itemStyle: { color: "#adb5bd" } },
        { type: "bar", name: "Peserta", data: rows.map(function (r) { return r.enrolled; }), itemStyle: { color: "#0d6efd" } },
        { type: "bar", name: "Sudah menerima", data: rows.map(function (r) { return r.delivered; }), itemStyle: { color: "#198754" } }
      ]
    }, function (p) { return rows[p.dataIndex] && rows[p.dataIndex].link; });
  })();

  // Field reports by month and the mean days to a decision.
  (function () {
    var el = document.getElementById("chart-turnaround");
    var t = data.turnaround;
    if (!el || !t) return;
    if (sum(t.submitted) + sum(t.decided) === 0) return empty(el);
    chart("chart-turnaround", {
      grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: t.months, axisLabel: { fontSize: 10 } },
      yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false }, axisLabel: { formatter: "{value} hr" } }],
      series: [
        { type: "bar", name: "Diajukan", data: t.submitted, itemStyle: { color: "#adb5bd" } },
        { type: "bar", name: "Diputuskan", data: t.decided, itemStyle: { color: "#0d6efd" } },
        { type: "line", name: "Rata-rata hari", yAxisIndex: 1, data: t.meanDays, itemStyle: { color: "#fd7e14" } }
      ]
    }, function () { return t.link; });
  })();

  // The map: outlines coloured by the chosen figure, values on hover, a legend.
  (function () {
    var el = document.getElementById("map");
    var select = document.getElementById("map-measure");
    if (!el || typeof L === "undefined" || !data.map) return;
    var palette = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "" }).addTo(map);
    }
    var layer = null;
    var measure = data.map["default"];

    function breaks(values) {
      var max = Math.max.apply(null, values.concat([0]));
      if (max <= 0) return [0];
      var out = [];
      for (var i = 1; i < palette.length; i++) out.push(Math.ceil(max * i / (palette.length - 1)));
      return out;
    }

    function colour(v, bounds) {
      if (v === null || v === undefined) return "#dee2e6";
      if (!v) return palette[0];
      for (var i = 0; i < bounds.length; i++) if (v <= bounds[i]) return palette[i + 1];
      return palette[palette.length - 1];
    }

    function legend(bounds, m) {
      var box = document.getElementById("map-legend");
      if (!box) return;
      box.textContent = "";
      var title = document.createElement("strong");
      title.textContent = m.label + ": ";
      box.appendChild(title);
      var prev = 0;
      var items = [[palette[0], "0"]];
      bounds.forEach(function (b, i) {
        items.push([palette[i + 1], number(prev + 1) + "–" + number(b)]);
        prev = b;
      });
      if (Object.values(m.values).every(function (v) { return v === null; })) {
        items = [["#dee2e6", "tidak tersedia untuk bulan ini"]];
      }
      items.forEach(function (it) {
        var span = document.createElement("span");
        span.className = "me-2 text-nowrap";
        var sw = document.createElement("span");
        sw.className = "map-legend-swatch";
        sw.style.background = it[0];
        span.appendChild(sw);
        span.appendChild(document.createTextNode(it[1]));
        box.appendChild(span);
      });
    }

    function draw(geo) {
      var m = data.map.measures[measure];
      var values = Object.values(m.values).filter(function (v) { return v !== null; });
      var bounds = breaks(values);
      if (layer) layer.remove();
      layer = L.geoJSON(geo, {
        style: function (f) {
          return { color: "#495057", weight: 1, fillOpacity: 0.8, fillColor: colour(m.values[f.properties.code], bounds) };
        },
        onEachFeature: function (f, lyr) {
          var code = f.properties.code;
          lyr.bindTooltip(f.properties.name + ": " + number(m.values[code]), { sticky: true });
          var link = m.links[code];
          if (link) {
            lyr.on("click", function () { window.location.href = link; });
          }
          lyr.on("add", function () {
            var path = lyr.getElement && lyr.getElement();
            if (path) {
              path.setAttribute("data-code", code);
              if (link) path.setAttribute("data-link", link);
            }
          });
        }
      }).addTo(map);
      legend(bounds, m);
      el.setAttribute("data-drawn", "map");
      el.setAttribute("data-measure", measure);
    }

    var params = new URLSearchParams(window.location.search);
    var query = new URLSearchParams();
    ["kecamatan", "kelurahan"].forEach(function (k) { if (params.get(k)) query.set(k, params.get(k)); });
    query.set("tingkat", data.geoLevel);
    fetch(data.geoUrl + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (geo) {
        if (!geo.features || !geo.features.length) {
          empty(el, "Batas wilayah belum dimuat untuk daerah ini.");
          return;
        }
        draw(geo);
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        if (select) select.addEventListener("change", function () { measure = select.value; draw(geo); });
      })
      .catch(function () { empty(el, "Peta tidak dapat dimuat."); });
  })();

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
