// The report as a coder's worklist: the queue (doubtful proposals first), filters kept in the address, the note
// view, accept / reject / change for every proposal and gap (kept in this browser, exported as CSV or JSON), and
// a printable physician query. Note text only ever reaches the page as textContent or as the server-escaped view
// fragment; nothing from a note is evaluated.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("nc-data").textContent);
  var rows = data.rows, views = data.views, tabular = data.tabular, PAGE = 100, page = 0, shown = [], current = -1;
  var $ = function (id) { return document.getElementById(id); };
  var codeSelect = $("nc-code"), gapSelect = $("nc-gap"), bandSelect = $("nc-band"), hasBox = $("nc-has");
  var idInput = $("nc-id"), reviewer = $("nc-reviewer");
  var STORE = "notecoder-decisions:" + data.report, REVIEWER = "notecoder-reviewer";
  var REJECT_REASONS = ["not supported by the note", "a more specific code applies", "wrong region or site",
    "not a current condition", "documented elsewhere in the record", "other"];

  function load(key, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key)) || fallback; } catch (unavailable) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (unavailable) { /* private mode */ }
  }
  var decisions = load(STORE, {});  // note id -> item key -> {decision, reason, code, new_code, reviewer, time}
  reviewer.value = load(REVIEWER, "");
  reviewer.addEventListener("input", function () { save(REVIEWER, reviewer.value); });

  var el = NotecoderSheets.el;
  function options(select, values) {
    values.sort().forEach(function (value) { var o = el("option", value); o.value = value; select.appendChild(o); });
  }
  function codesOf(row) { return row.codes.concat(row.alternatives).map(function (p) { return p.code; }); }

  var codes = {}, gaps = {}, withCodes = 0, failed = 0;
  rows.forEach(function (row) {
    codesOf(row).forEach(function (c) { codes[c] = 1; });
    row.gaps.forEach(function (g) { gaps[g.id] = 1; });
    if (row.codes.length) withCodes++;
    if (row.error) failed++;
  });
  options(codeSelect, Object.keys(codes)); options(gapSelect, Object.keys(gaps));
  $("nc-summary").textContent =
    rows.length + " notes, " + withCodes + " with a proposed M53 code, " + failed + " failed rows";

  // the queue: notes with a proposal first, the least confident and the most gaps first; failed rows last
  function need(index) {
    var row = rows[index], proposals = row.codes.length + row.alternatives.length;
    var tier = row.error ? 2 : proposals ? 0 : 1;
    return [tier, row.confidence === null ? 2 : row.confidence, -row.gaps.length, index];
  }
  var queue = rows.map(function (_, index) { return index; }).sort(function (a, b) {
    var x = need(a), y = need(b);
    for (var k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
    return 0;
  });

  function band(value) {
    if (value === null) return "";
    return value < 0.5 ? "low" : value < 0.8 ? "mid" : "high";
  }

  // -- the address keeps the state -----------------------------------------------------------------------------
  function readHash() {
    var state = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at < 1) return;
      try { state[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); } catch (malformed) { /* ignored */ }
    });
    return state;
  }
  function writeHash() {
    var state = [];
    if (current >= 0) state.push("note=" + encodeURIComponent(rows[current].id));
    if (hasBox.checked) state.push("has=1");
    [["code", codeSelect], ["gap", gapSelect], ["band", bandSelect]].forEach(function (pair) {
      if (pair[1].value) state.push(pair[0] + "=" + encodeURIComponent(pair[1].value));
    });
    if (idInput.value) state.push("id=" + encodeURIComponent(idInput.value));
    window.history.replaceState(null, "", state.length ? "#" + state.join("&") : window.location.pathname);
  }

  // -- table -----------------------------------------------------------------------------------------------------
  function cell(tr, text, className) { tr.appendChild(el("td", text, className)); }
  function decidedCount(row) { return Object.keys(decisions[row.id] || {}).length; }

  function render() {
    var body = $("nc-rows");
    body.textContent = "";
    shown.slice(page * PAGE, (page + 1) * PAGE).forEach(function (index) {
      var row = rows[index], tr = el("tr");
      tr.className = "nc-row" + (row.error ? " nc-error" : "") + (index === current ? " nc-selected" : "");
      tr.setAttribute("data-index", String(index));
      tr.setAttribute("data-id", row.id);
      cell(tr, row.id, "nc-id");
      cell(tr, row.confidence === null ? "" : row.confidence.toFixed(2), "nc-band-" + band(row.confidence));
      cell(tr, row.error ? "failed" : row.codes.map(function (p) { return p.code; }).join(" "));
      cell(tr, row.alternatives.map(function (p) { return p.code; }).join(" "));
      cell(tr, String(row.gaps.length) + (decidedCount(row) ? " \u2713" + decidedCount(row) : ""));
      tr.addEventListener("click", function () { open(index); });
      body.appendChild(tr);
    });
    var pages = $("nc-pages"), count = Math.ceil(shown.length / PAGE);
    pages.textContent = "";
    for (var p = 0; p < count && count > 1; p++) {
      var button = el("button", String(p + 1));
      button.disabled = p === page;
      button.addEventListener("click", (function (q) { return function () { page = q; render(); }; })(p));
      pages.appendChild(button);
    }
    $("nc-count").textContent = shown.length + " shown";
    var total = 0;
    Object.keys(decisions).forEach(function (id) { total += Object.keys(decisions[id]).length; });
    $("nc-decided").textContent = total + " decisions";
  }

  function filter() {
    var code = codeSelect.value, gap = gapSelect.value, id = idInput.value.toLowerCase(), wanted = bandSelect.value;
    shown = queue.filter(function (index) {
      var row = rows[index];
      if (hasBox.checked && !row.codes.length) return false;
      if (code && codesOf(row).indexOf(code) < 0) return false;
      if (gap && !row.gaps.some(function (g) { return g.id === gap; })) return false;
      if (wanted && band(row.confidence) !== wanted) return false;
      if (id && row.id.toLowerCase().indexOf(id) < 0) return false;
      return true;
    });
    page = 0; render(); writeHash();
  }
  [codeSelect, gapSelect, bandSelect, hasBox].forEach(function (c) { c.addEventListener("change", filter); });
  idInput.addEventListener("input", filter);

  // -- decisions -------------------------------------------------------------------------------------------------
  function decide(row, key, item, decision) {
    if (decision !== null && !reviewer.value.trim()) {  // a decision always says whose it is
      $("nc-notice").textContent = "Type your name as reviewer first: a decision records who took it.";
      reviewer.focus();
      return;
    }
    $("nc-notice").textContent = "";
    var byNote = decisions[row.id] = decisions[row.id] || {};
    if (decision === null) delete byNote[key];
    else byNote[key] = Object.assign({item: item.kind, code: item.code || "", gap: item.gap || ""}, decision,
      {reviewer: reviewer.value, time: new Date().toISOString()});
    if (!Object.keys(byNote).length) delete decisions[row.id];
    save(STORE, decisions);
    showDecisions(current); render();
  }

  function controls(row, key, item, withChange) {
    var box = el("div", null, "nc-controls"), taken = (decisions[row.id] || {})[key];
    var state = el("span", taken ? taken.decision + (taken.new_code ? " \u2192 " + taken.new_code : "") +
      (taken.reason ? " (" + taken.reason + ")" : "") : "undecided", "nc-state");
    var accept = el("button", "Accept"), reject = el("button", "Reject"), reasons = el("select");
    accept.type = reject.type = "button";
    accept.setAttribute("data-action", "accept"); reject.setAttribute("data-action", "reject");
    REJECT_REASONS.forEach(function (r) { var o = el("option", r); o.value = r; reasons.appendChild(o); });
    reasons.setAttribute("data-role", "reason");
    accept.addEventListener("click", function () { decide(row, key, item, {decision: "accepted", reason: ""}); });
    reject.addEventListener("click", function () {
      decide(row, key, item, {decision: "rejected", reason: reasons.value});
    });
    box.appendChild(accept); box.appendChild(reject); box.appendChild(reasons);
    if (withChange) {
      var input = el("input"), change = el("button", "Change"), problem = el("span", "", "nc-problem");
      input.setAttribute("list", "nc-tabular"); input.placeholder = "another code"; input.size = 9;
      change.type = "button"; change.setAttribute("data-action", "change");
      change.addEventListener("click", function () {
        var code = input.value.trim().toUpperCase();
        if (!Object.prototype.hasOwnProperty.call(tabular, code)) {
          problem.textContent = code ? code + " is not a code notecoder can propose" : "type a code";
          return;
        }
        decide(row, key, item, {decision: "changed", new_code: code, reason: tabular[code]});
      });
      box.appendChild(input); box.appendChild(change); box.appendChild(problem);
    }
    if (taken) {
      var undo = el("button", "Undo"); undo.type = "button";
      undo.addEventListener("click", function () { decide(row, key, item, null); });
      box.appendChild(undo);
    }
    box.appendChild(state);
    return box;
  }

  function showDecisions(index) {
    var panel = $("nc-decisions");
    panel.textContent = "";
    if (index < 0 || rows[index].error) return;
    var row = rows[index];
    [["Codes", row.codes, "code"], ["Alternatives", row.alternatives, "alternative"]].forEach(function (group) {
      if (!group[1].length) return;
      panel.appendChild(el("h4", group[0]));
      group[1].forEach(function (p, i) {
        var line = el("div", null, "nc-decision");
        line.setAttribute("data-item", group[2] + ":" + p.code);
        var head = el("span", p.code + "  " + p.title, "nc-code");
        head.addEventListener("click", function () { scrollToEvidence((group[2] === "code" ? "c" : "a") + i); });
        line.appendChild(head);
        if (p.confidence !== null) line.appendChild(el("span", " " + p.confidence.toFixed(2), "nc-conf"));
        line.appendChild(controls(row, group[2] + ":" + p.code, {kind: group[2], code: p.code}, true));
        panel.appendChild(line);
      });
    });
    if (row.gaps.length) {
      panel.appendChild(el("h4", "Gaps"));
      row.gaps.forEach(function (g) {
        var line = el("div", null, "nc-decision");
        line.setAttribute("data-item", "gap:" + g.id + ":" + (g.code || ""));
        line.appendChild(el("span", g.label + " (" + g.id + ")" + (g.code ? " for " + g.code : ""), "nc-code"));
        line.appendChild(controls(row, "gap:" + g.id + ":" + (g.code || ""), {kind: "gap", code: g.code, gap: g.id},
          false));
        panel.appendChild(line);
      });
      var query = el("button", "Physician query (print)"); query.type = "button"; query.id = "nc-query-button";
      query.addEventListener("click", function () {  // a gap the coder rejected is not asked about
        var taken = decisions[row.id] || {};
        var asked = row.gaps.filter(function (g) {
          var d = taken["gap:" + g.id + ":" + (g.code || "")];
          return !d || d.decision !== "rejected";
        });
        NotecoderSheets.querySheet($("nc-query-sheet"), row.id, asked, data.answers);
        window.print();
      });
      panel.appendChild(query);
    }
  }

  function scrollToEvidence(link) {
    var detail = $("nc-detail"), target = detail.querySelector(".e-" + link);
    if (target) { target.scrollIntoView({block: "center"}); target.classList.add("nc-flash"); }
  }

  // -- export ------------------------------------------------------------------------------------------------------
  var COLUMNS = ["note_id", "item", "code", "gap", "decision", "new_code", "reason", "reviewer", "time"];
  function flat() {
    var out = [];
    Object.keys(decisions).sort().forEach(function (id) {
      Object.keys(decisions[id]).sort().forEach(function (key) {
        var d = decisions[id][key];
        out.push({note_id: id, item: d.item, code: d.code, gap: d.gap, decision: d.decision,
          new_code: d.new_code || "", reason: d.reason || "", reviewer: d.reviewer || "", time: d.time});
      });
    });
    return out;
  }
  $("nc-export-csv").addEventListener("click", function () {
    NotecoderSheets.download("decisions.csv", "text/csv", NotecoderSheets.csv(COLUMNS, flat(), data.formula));
  });
  $("nc-export-json").addEventListener("click", function () {
    NotecoderSheets.download("decisions.json", "application/json", JSON.stringify(flat(), null, 2) + "\n");
  });

  var list = el("datalist"); list.id = "nc-tabular";
  Object.keys(tabular).sort().forEach(function (code) {
    var o = el("option"); o.value = code; o.textContent = tabular[code]; list.appendChild(o);
  });
  document.body.appendChild(list);

  // -- the note --------------------------------------------------------------------------------------------------
  function open(index) {
    current = index;
    $("nc-detail").innerHTML = views[index];  // escaped on the server
    $("nc-query-sheet").hidden = true;
    Array.prototype.forEach.call(document.querySelectorAll("tr.nc-selected"), function (tr) {
      tr.classList.remove("nc-selected");
    });
    var tr = document.querySelector('tr[data-index="' + index + '"]');
    if (tr) tr.classList.add("nc-selected");
    showDecisions(index);
    writeHash();
  }

  var state = readHash();
  hasBox.checked = state.has === "1";
  [["code", codeSelect], ["gap", gapSelect], ["band", bandSelect]].forEach(function (pair) {
    if (state[pair[0]] && Array.prototype.some.call(pair[1].options, function (o) { return o.value === state[pair[0]]; }))
      pair[1].value = state[pair[0]];
  });
  idInput.value = state.id || "";
  filter();
  var start = shown.length ? shown[0] : -1;
  if (state.note !== undefined) {
    var found = -1;
    rows.forEach(function (row, index) { if (row.id === state.note) found = index; });
    if (found < 0) $("nc-notice").textContent = "No note with the id \u201c" + state.note + "\u201d in this report.";
    else {
      start = found;
      var at = shown.indexOf(found);
      if (at >= 0) { page = Math.floor(at / PAGE); render(); }
    }
  }
  if (start >= 0) open(start);
})();
