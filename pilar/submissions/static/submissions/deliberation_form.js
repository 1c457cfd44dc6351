/* Deliberation form: choosing the kelurahan reloads the list of reports to approve
 * (the form carries the URL and the select's id in data attributes). */
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("deliberation-form");
  if (!form || !window.htmx) return;
  var select = document.getElementById(form.getAttribute("data-kelurahan-select"));
  var url = form.getAttribute("data-choices-url");
  if (!select || !url) return;
  select.addEventListener("change", function () {
    window.htmx.ajax("GET", url + "?kelurahan=" + encodeURIComponent(select.value),
      { target: "#report-choices", swap: "outerHTML" });
  });
});
