/* Bedah Rumah cost plan (RAB): row and grand totals as the operator types (the
 * server computes its own), and "Tambah baris". The aid amount, the ceiling of the
 * total, comes in the form's data-limit attribute (empty: no ceiling). */
(function () {
  var form = document.getElementById("plan-form");
  if (!form) return;
  var body = document.querySelector("#rab-rows tbody"), rows = document.getElementById("rows");
  var raw = form.getAttribute("data-limit");
  var limit = raw ? parseFloat(raw) : null;
  function num(v) { v = (v || "").replace(/^Rp/, "").replace(/\s/g, "");
    if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(v)) v = v.replace(/\./g, "").replace(",", ".");
    else v = v.replace(",", "."); var n = parseFloat(v); return isNaN(n) ? 0 : n; }
  function rp(n) { return "Rp" + Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function update() { var total = 0;
    body.querySelectorAll("tr.rab-row").forEach(function (tr) {
      var s = num(tr.querySelector(".rab-qty").value) * num(tr.querySelector(".rab-price").value);
      total += s; tr.querySelector(".rab-sum").textContent = s ? rp(s) : ""; });
    var g = document.getElementById("rab-grand"); g.textContent = rp(total);
    g.classList.toggle("text-danger", limit !== null && total > limit); }
  body.addEventListener("input", update);
  document.getElementById("add-row").addEventListener("click", function () {
    var last = body.querySelectorAll("tr.rab-row"); last = last[last.length - 1];
    var n = parseInt(rows.value, 10), copy = last.cloneNode(true);
    copy.querySelectorAll("[name]").forEach(function (el) {
      el.name = el.name.replace(/^item-\d+-/, "item-" + n + "-"); el.value = ""; el.classList.remove("is-invalid"); });
    copy.querySelector(".rab-sum").textContent = ""; body.appendChild(copy); rows.value = n + 1; });
  update();
})();
