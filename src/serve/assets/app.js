// Search as you type, and the catalogue-row filters of a standard page. The server renders
// every result; this only asks for the results fragment and swaps it in.
(function () {
  "use strict";

  var form = document.getElementById("search");
  if (form) {
    var results = document.getElementById("results");
    var timer = null;
    var asked = 0;
    var query = function () {
      var params = new URLSearchParams(new FormData(form));
      params.forEach(function (value, key) { if (!value) params.delete(key); });
      return params.toString();
    };
    var refresh = function () {
      var wanted = query();
      var ticket = ++asked;
      fetch("/search/results?" + wanted, { headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          // A slower answer to an earlier query must not replace a newer one.
          if (ticket !== asked) return;
          results.innerHTML = html;
          history.replaceState(null, "", wanted ? "/?" + wanted : "/");
        })
        .catch(function () { /* the submit button still works */ });
    };
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    };
    document.getElementById("q").addEventListener("input", later);
    form.querySelectorAll("select").forEach(function (select) { select.addEventListener("change", refresh); });
    form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
  }

  var rows = document.querySelector("table.rows");
  if (rows) {
    var filters = ["area", "level", "mode"].map(function (name) {
      return { name: name, select: document.getElementById("row-" + name) };
    });
    var count = document.getElementById("row-count");
    var apply = function () {
      var shown = 0;
      rows.querySelectorAll("tbody tr").forEach(function (row) {
        var visible = filters.every(function (f) {
          var want = f.select.value;
          return !want || (row.dataset[f.name] || "").split("、").indexOf(want) >= 0;
        });
        row.hidden = !visible;
        if (visible) shown++;
      });
      count.textContent = "显示 " + shown + " 项";
    };
    filters.forEach(function (f) { f.select.addEventListener("change", apply); });
    apply();
  }
})();
