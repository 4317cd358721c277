// The report's behaviour: table, filters, pages, and the note view. Note text only ever reaches the page as
// textContent (table cells) or as the server-escaped view fragment; nothing from a note is evaluated.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("nc-data").textContent);
  var rows = data.rows, views = data.views, PAGE = 100, page = 0, shown = [];
  var codeSelect = document.getElementById("nc-code"), gapSelect = document.getElementById("nc-gap");
  var idInput = document.getElementById("nc-id");

  function options(select, values) {
    values.sort().forEach(function (value) {
      var option = document.createElement("option");
      option.value = value; option.textContent = value; select.appendChild(option);
    });
  }
  var codes = {}, gaps = {}, withCodes = 0, failed = 0;
  rows.forEach(function (row) {
    row.codes.concat(row.alternatives).forEach(function (c) { codes[c] = 1; });
    row.gaps.forEach(function (g) { gaps[g] = 1; });
    if (row.codes.length) withCodes++;
    if (row.error) failed++;
  });
  options(codeSelect, Object.keys(codes)); options(gapSelect, Object.keys(gaps));
  document.getElementById("nc-summary").textContent =
    rows.length + " notes, " + withCodes + " with a proposed M53 code, " + failed + " failed rows";

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); }

  function open(index) {
    document.getElementById("nc-detail").innerHTML = views[index];  // escaped on the server
    Array.prototype.forEach.call(document.querySelectorAll("tr.nc-selected"), function (tr) {
      tr.classList.remove("nc-selected");
    });
    var tr = document.querySelector('tr[data-index="' + index + '"]');
    if (tr) tr.classList.add("nc-selected");
  }

  function render() {
    var body = document.getElementById("nc-rows");
    body.textContent = "";
    shown.slice(page * PAGE, (page + 1) * PAGE).forEach(function (index) {
      var row = rows[index], tr = document.createElement("tr");
      tr.className = "nc-row" + (row.error ? " nc-error" : "");
      tr.setAttribute("data-index", String(index));
      cell(tr, row.id);
      cell(tr, row.error ? "failed" : row.codes.join(" "));
      cell(tr, row.alternatives.join(" "));
      cell(tr, String(row.gaps.length));
      tr.addEventListener("click", function () { open(index); });
      body.appendChild(tr);
    });
    var pages = document.getElementById("nc-pages"), count = Math.ceil(shown.length / PAGE);
    pages.textContent = "";
    for (var p = 0; p < count && count > 1; p++) {
      var button = document.createElement("button");
      button.textContent = String(p + 1); button.disabled = p === page;
      button.addEventListener("click", (function (q) { return function () { page = q; render(); }; })(p));
      pages.appendChild(button);
    }
    document.getElementById("nc-count").textContent = shown.length + " shown";
  }

  function filter() {
    var code = codeSelect.value, gap = gapSelect.value, id = idInput.value.toLowerCase();
    shown = [];
    rows.forEach(function (row, index) {
      if (code && row.codes.indexOf(code) < 0 && row.alternatives.indexOf(code) < 0) return;
      if (gap && row.gaps.indexOf(gap) < 0) return;
      if (id && row.id.toLowerCase().indexOf(id) < 0) return;
      shown.push(index);
    });
    page = 0; render();
  }
  codeSelect.addEventListener("change", filter); gapSelect.addEventListener("change", filter);
  idInput.addEventListener("input", filter);
  filter();

  var wanted = /#note=(.*)$/.exec(window.location.hash);
  var start = 0;
  if (wanted) {
    var id = null;
    try { id = decodeURIComponent(wanted[1]); } catch (malformed) { id = null; }  // "#note=%E0%A4%A": ignored
    rows.forEach(function (row, index) { if (row.id === id) start = index; });
  }
  if (rows.length) open(start);
})();
