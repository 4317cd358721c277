// The served worklist: the queue (sortable, filtered, counted), the note with its evidence, decisions written to the
// server over the version the coder saw (a stale write is refused and the page says who changed the item), keyboard
// work, and the physician query loop. The token is kept for this tab only (sessionStorage). Note text reaches the
// page as textContent, or as the view fragment the server escaped; nothing from a note is evaluated.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var TOKEN = "notecoder-worklist-token";
  var me = null, rows = [], counts = {}, show = "all", sortKey = "", sortDir = 1, shown = [], current = null;
  var note = null, active = 0;

  var el = NotecoderSheets.el;
  function button(text, action) {
    var b = el("button", text); b.type = "button"; if (action) b.setAttribute("data-action", action); return b;
  }
  function notice(text) { $("nc-notice").textContent = text || ""; }
  function token() { try { return window.sessionStorage.getItem(TOKEN) || ""; } catch (e) { return ""; } }

  function api(method, path, body) {
    var init = {method: method, headers: {"Authorization": "Bearer " + token()}};
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return window.fetch("/worklist/api/" + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) { signOut("Your token was not accepted: sign in again."); }
        return {status: response.status, data: data};
      });
    });
  }
  function problem(answer) {
    var detail = answer.data && answer.data.detail;
    if (Array.isArray(detail)) detail = detail.map(function (d) { return (d.loc || []).join(".") + ": " + d.msg; }).join("; ");
    return detail || ("the server answered " + answer.status);
  }

  // -- signing in ------------------------------------------------------------------------------------------------
  function signOut(message) {
    try { window.sessionStorage.removeItem(TOKEN); } catch (e) { /* private mode */ }
    $("wl-app").hidden = true; $("wl-login").hidden = false; $("wl-login-problem").textContent = message || "";
  }
  $("wl-login").addEventListener("submit", function (event) {
    event.preventDefault();
    try { window.sessionStorage.setItem(TOKEN, $("wl-token").value.trim()); } catch (e) { /* private mode */ }
    $("wl-token").value = "";
    start();
  });
  $("wl-signout").addEventListener("click", function () { signOut(""); });

  function may(permission) { return me && me.may.indexOf(permission) >= 0; }

  function start() {
    if (!token()) { signOut(""); return; }
    api("GET", "me").then(function (answer) {
      if (answer.status !== 200) { if (answer.status !== 401) signOut(problem(answer)); return; }
      me = answer.data;
      $("wl-login").hidden = true; $("wl-app").hidden = false;
      $("wl-who").textContent = "Signed in as " + me.name + " (" + me.role + ")";
      $("wl-export").hidden = !may("export");
      readHash();
      loadQueue(true);
    });
  }

  // -- the address keeps the filter, the sort and the note --------------------------------------------------------
  function readHash() {
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("="), value;
      if (at < 1) return;
      try { value = decodeURIComponent(pair.slice(at + 1)); } catch (malformed) { return; }
      var name = pair.slice(0, at);
      if (name === "show" && FILTER_NAMES.some(function (f) { return f[0] === value; })) show = value;
      if (name === "sort") { sortKey = value.replace(/^-/, ""); sortDir = value.charAt(0) === "-" ? -1 : 1; }
      if (name === "note") current = value;
    });
  }
  function writeHash() {
    var state = [];
    if (show !== "all") state.push("show=" + encodeURIComponent(show));
    if (sortKey) state.push("sort=" + (sortDir < 0 ? "-" : "") + encodeURIComponent(sortKey));
    if (current !== null) state.push("note=" + encodeURIComponent(current));
    window.history.replaceState(null, "", state.length ? "#" + state.join("&") : window.location.pathname);
  }

  // -- the queue ----------------------------------------------------------------------------------------------------
  var FILTER_NAMES = [["all", "All"], ["undecided", "Undecided"], ["decided", "Decided"], ["mine", "Mine"],
    ["queries", "Open queries"]];

  function loadQueue(openFirst) {
    return api("GET", "queue").then(function (answer) {
      if (answer.status !== 200) { notice(problem(answer)); return; }
      rows = answer.data.rows; counts = answer.data.counts;
      rows.forEach(function (row, index) { row.order = index; });
      filter();
      if (openFirst) {
        var wanted = current !== null && rows.some(function (r) { return r.id === current; }) ? current
          : shown.length ? shown[0].id : null;
        if (current !== null && wanted !== current) notice("No note with the id \u201c" + current + "\u201d on the worklist.");
        if (wanted !== null) open(wanted);
      }
    });
  }

  function wanted(row) {
    if (show === "undecided") return row.undecided > 0;
    if (show === "decided") return row.undecided === 0 && row.decided > 0;
    if (show === "mine") return row.deciders.indexOf(me.name) >= 0;
    if (show === "queries") return row.open_queries > 0;
    return true;
  }
  function sortValue(row, key) {
    if (key === "confidence") return row.confidence === null ? 2 : row.confidence;
    if (key === "codes" || key === "alternatives") return row[key].join(" ");
    if (key === "gaps") return row.gaps.length;
    return row[key];
  }
  function countsOf() {
    var found = {all: 0, undecided: 0, decided: 0, mine: 0, queries: 0}, keep = show;
    rows.forEach(function (row) {
      FILTER_NAMES.forEach(function (pair) { show = pair[0]; if (wanted(row)) found[pair[0]]++; });
    });
    show = keep;
    return found;
  }

  function filter() {
    shown = rows.filter(wanted);
    if (sortKey) {
      shown.sort(function (a, b) {
        var x = sortValue(a, sortKey), y = sortValue(b, sortKey);
        if (x !== y) return (x < y ? -1 : 1) * sortDir;
        return a.order - b.order;
      });
    }
    render();
    writeHash();
  }

  function render() {
    counts = countsOf();
    var bar = $("wl-counts");
    bar.textContent = "";
    FILTER_NAMES.forEach(function (pair) {
      var b = button(pair[1] + " " + counts[pair[0]]);
      b.setAttribute("data-filter", pair[0]);
      b.setAttribute("aria-pressed", String(show === pair[0]));
      b.addEventListener("click", function () { show = pair[0]; filter(); });
      bar.appendChild(b);
    });
    Array.prototype.forEach.call(document.querySelectorAll("#nc-list th"), function (th) {
      var key = th.getAttribute("data-sort");
      th.setAttribute("aria-sort", key === sortKey ? (sortDir > 0 ? "ascending" : "descending") : "none");
    });
    var body = $("nc-rows");
    body.textContent = "";
    shown.forEach(function (row) {
      var tr = el("tr");
      tr.className = "nc-row" + (row.error ? " nc-error" : "") + (row.id === current ? " nc-selected" : "");
      tr.setAttribute("data-id", row.id);
      tr.tabIndex = row.id === current ? 0 : -1;
      [row.id, row.confidence === null ? "" : row.confidence.toFixed(2), row.error ? "failed" : row.codes.join(" "),
        row.alternatives.join(" "), String(row.gaps.length), String(row.undecided), String(row.open_queries || "")
      ].forEach(function (text, n) { tr.appendChild(el("td", text, n === 0 ? "nc-id" : "")); });
      tr.addEventListener("click", function () { open(row.id); });
      body.appendChild(tr);
    });
    $("nc-count").textContent = shown.length + " shown";
  }

  Array.prototype.forEach.call(document.querySelectorAll("#nc-list th"), function (th) {
    th.tabIndex = 0;
    function sort() {
      var key = th.getAttribute("data-sort");
      if (sortKey === key) sortDir = -sortDir; else { sortKey = key; sortDir = 1; }
      filter();
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); sort(); } });
  });

  // -- one note -----------------------------------------------------------------------------------------------------
  function open(id) {
    current = id;
    note = null;  // until the note arrives, no key acts on the one before
    $("nc-decisions").textContent = ""; $("nc-decisions").removeAttribute("data-note");
    writeHash();
    render();
    var tr = document.querySelector('#nc-rows tr[data-id="' + CSS.escape(id) + '"]');
    if (tr) { tr.focus({preventScroll: false}); }
    return api("GET", "note?id=" + encodeURIComponent(id)).then(function (answer) {
      if (answer.status !== 200) { notice(problem(answer)); return; }
      if (current !== id) return;
      note = answer.data;
      var first = note.items.findIndex(function (item) { return item.decision === null; });
      active = first < 0 ? 0 : first;
      $("nc-detail").innerHTML = note.view;  // escaped on the server
      if (note.error) $("nc-detail").textContent = "Row failed: " + note.error;
      $("nc-query-sheet").hidden = true;
      showNote();
    });
  }

  function stateText(item) {
    if (item.decision === null) return "undecided";
    return item.decision + (item.new_code ? " \u2192 " + item.new_code : "") + (item.reason ? " (" + item.reason + ")" : "")
      + " by " + item.by;
  }

  function decide(item, decision, extra) {
    var body = {note_id: note.id, kind: item.kind, key: item.key, decision: decision, version: item.version};
    if (extra) Object.keys(extra).forEach(function (k) { body[k] = extra[k]; });
    var row = rows.find(function (r) { return r.id === note.id; }), before = item.decision;
    return api("POST", "decisions", body).then(function (answer) {
      if (answer.status === 409) {
        var now = answer.data.current;
        notice("Not saved: " + item.kind + " " + item.key + " was changed by " + (answer.data.by || "another coder") +
          (now.decision ? " (now " + now.decision + ")" : " (now undecided)") + ". The note is reloaded.");
        open(note.id);
        return false;
      }
      if (answer.status !== 200) { notice(problem(answer)); return false; }
      notice("");
      Object.assign(item, answer.data);
      if (row) {
        if (before === null && item.decision !== null) { row.undecided--; row.decided++; }
        if (before !== null && item.decision === null) { row.undecided++; row.decided--; }
        if (item.decision !== null && row.deciders.indexOf(me.name) < 0) row.deciders.push(me.name);
      }
      var next = note.items.findIndex(function (it, n) { return n > active && it.decision === null; });
      if (item.decision !== null && next >= 0) active = next;
      render(); showNote();
      return true;
    });
  }

  function controls(item) {
    var box = el("div", null, "nc-controls");
    if (!may("decide")) { box.appendChild(el("span", stateText(item), "nc-state")); return box; }
    var accept = button("Accept", "accept"), reject = button("Reject", "reject"), reasons = el("select");
    me.reasons.forEach(function (r) { var o = el("option", r); o.value = r; reasons.appendChild(o); });
    reasons.setAttribute("data-role", "reason");
    accept.addEventListener("click", function () { decide(item, "accepted"); });
    reject.addEventListener("click", function () { decide(item, "rejected", {reason: reasons.value}); });
    box.appendChild(accept); box.appendChild(reject); box.appendChild(reasons);
    if (item.kind !== "gap") {
      var input = el("input"), change = button("Change", "change"), wrong = el("span", "", "nc-problem");
      input.setAttribute("list", "nc-tabular"); input.placeholder = "another code"; input.size = 9;
      change.addEventListener("click", function () {
        var code = input.value.trim().toUpperCase();
        if (!Object.prototype.hasOwnProperty.call(me.tabular, code)) {
          wrong.textContent = code ? code + " is not a code notecoder can propose" : "type a code"; return;
        }
        decide(item, "changed", {new_code: code});
      });
      box.appendChild(input); box.appendChild(change); box.appendChild(wrong);
    }
    if (item.decision !== null) {
      var undo = button("Undo", "undo");
      undo.addEventListener("click", function () { decide(item, null); });
      box.appendChild(undo);
    }
    box.appendChild(el("span", stateText(item), "nc-state"));
    return box;
  }

  function showNote() {
    var panel = $("nc-decisions");
    panel.textContent = "";
    if (!note) return;
    panel.setAttribute("data-note", note.id);
    if (note.error) return;
    var groups = [["Codes", "code"], ["Alternatives", "alternative"], ["Gaps", "gap"]];
    groups.forEach(function (group) {
      var items = note.items.filter(function (item) { return item.kind === group[1]; });
      if (!items.length) return;
      panel.appendChild(el("h4", group[0]));
      items.forEach(function (item) {
        var n = note.items.indexOf(item), line = el("div", null, "nc-decision" + (n === active ? " wl-active" : ""));
        line.setAttribute("data-item", item.kind + ":" + item.key);
        var title = item.kind === "gap" ? item.title + " (" + item.gap + ")" + (item.code ? " for " + item.code : "")
          : item.code + "  " + item.title;
        line.appendChild(el("span", title, "nc-code"));
        if (item.confidence !== null) line.appendChild(el("span", " " + item.confidence.toFixed(2), "nc-conf"));
        line.appendChild(controls(item));
        if (item.kind === "gap" && may("query") && item.decision !== "rejected") {
          var gap = note.gaps.find(function (g) { return g.key === item.key; });
          if (gap && !note.queries.some(function (q) { return q.status !== "closed" && q.gap === item.key; })) {
            var who = el("input"), ask = button("Query physician", "query");
            who.placeholder = "physician"; who.size = 14; who.setAttribute("data-role", "physician");
            ask.addEventListener("click", function () {
              if (!who.value.trim()) { notice("Name the physician the query goes to."); return; }
              api("POST", "queries", {note_id: note.id, gap: item.key, physician: who.value}).then(function (answer) {
                if (answer.status !== 200) { notice(problem(answer)); return; }
                var row = rows.find(function (r) { return r.id === note.id; });
                if (row) row.open_queries++;
                open(note.id);
              });
            });
            var line2 = el("div", null, "nc-controls"); line2.appendChild(who); line2.appendChild(ask);
            line.appendChild(line2);
          }
        }
        panel.appendChild(line);
      });
    });
    if (note.queries.length) {
      panel.appendChild(el("h4", "Physician queries"));
      note.queries.forEach(function (q) { panel.appendChild(queryLine(q)); });
    }
    var kept = note.items.filter(function (item) { return item.kind === "gap" && item.decision !== "rejected"; });
    if (kept.length) {
      var print = button("Physician query (print)", "print"); print.id = "nc-query-button";
      print.addEventListener("click", function () {
        var gaps = kept.map(function (item) { return note.gaps.find(function (g) { return g.key === item.key; }); });
        NotecoderSheets.querySheet($("nc-query-sheet"), note.id, gaps.filter(Boolean), me.gap_answers);
        window.print();
      });
      panel.appendChild(print);
    }
  }

  function queryLine(q) {
    var line = el("div", null, "wl-query");
    line.setAttribute("data-query", String(q.id));
    line.appendChild(el("div", "To " + q.physician + ", issued by " + q.issued_by + ", " + q.age_days.toFixed(1) +
      " days ago: " + q.status + (q.answer ? " (" + q.answer + ")" : "") + (q.outcome ? ", " + q.outcome : "")));
    line.appendChild(el("div", q.question, "nc-query"));
    if (!may("query") || q.status === "closed") return line;
    var choose = el("select"), act;
    if (q.status === "open") {
      Object.keys(me.answers).forEach(function (a) { var o = el("option", a); o.value = a; choose.appendChild(o); });
      choose.setAttribute("data-role", "answer");
      act = button("Record answer", "answer");
      act.addEventListener("click", function () { queryStep("answer", q, {answer: choose.value}); });
    } else {
      Object.keys(me.outcomes).forEach(function (a) { var o = el("option", a); o.value = a; choose.appendChild(o); });
      choose.setAttribute("data-role", "outcome");
      act = button("Close", "close");
      act.addEventListener("click", function () { queryStep("close", q, {outcome: choose.value}); });
    }
    var box = el("div", null, "nc-controls"); box.appendChild(choose); box.appendChild(act);
    if (q.status === "open") {
      var withdraw = button("Withdraw", "withdraw");
      withdraw.addEventListener("click", function () { queryStep("close", q, {outcome: "withdrawn"}); });
      box.appendChild(withdraw);
    }
    line.appendChild(box);
    return line;
  }

  function queryStep(step, q, body) {
    api("POST", "queries/" + step + "?id=" + q.id, body).then(function (answer) {
      if (answer.status !== 200) { notice(problem(answer)); return; }
      var row = rows.find(function (r) { return r.id === note.id; });
      if (row && answer.data.status === "closed") row.open_queries--;
      open(note.id);
    });
  }

  // -- keyboard: j/k move, a/r accept or reject the active item, n/p move within the note, ? help ------------------
  function move(step) {
    var at = shown.findIndex(function (row) { return row.id === current; });
    var next = shown[Math.max(0, Math.min(shown.length - 1, at + step))];
    if (next) open(next.id);
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || $("wl-app").hidden) return;
    if (target && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) return;
    var item = note && note.items[active];
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "n" && note) { active = Math.min(note.items.length - 1, active + 1); showNote(); }
    else if (event.key === "p" && note) { active = Math.max(0, active - 1); showNote(); }
    else if (event.key === "a" && item && may("decide")) decide(item, "accepted");
    else if (event.key === "r" && item && may("decide")) decide(item, "rejected", {reason: me.reasons[0]});
    else if (event.key === "u" && item && item.decision !== null && may("decide")) decide(item, null);
    else if (event.key === "?") $("wl-help").hidden = !$("wl-help").hidden;
    else if (event.key === "Escape") $("wl-help").hidden = true;
    else return;
    event.preventDefault();
  });

  // -- export -------------------------------------------------------------------------------------------------------
  var COLUMNS = ["note_id", "item", "code", "gap", "decision", "new_code", "reason", "reviewer", "time"];
  $("wl-export").addEventListener("click", function () {
    api("GET", "decisions").then(function (answer) {
      if (answer.status !== 200) { notice(problem(answer)); return; }
      NotecoderSheets.download("decisions.csv", "text/csv", NotecoderSheets.csv(COLUMNS, answer.data, me.formula));
    });
  });

  var list = el("datalist"); list.id = "nc-tabular";
  document.body.appendChild(list);
  var filled = false;
  var fill = function () {
    if (filled || !me) return;
    filled = true;
    Object.keys(me.tabular).sort().forEach(function (code) {
      var o = el("option"); o.value = code; o.textContent = me.tabular[code]; list.appendChild(o);
    });
  };
  document.addEventListener("focusin", fill);
  start();
})();
