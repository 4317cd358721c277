// What the review report and the served worklist share: the printable physician query (non-leading, the indicators
// quoted from the note, "Other" and "Clinically undetermined" always offered), CSV a spreadsheet never runs as a
// formula, and a download. Every note-derived string is set with textContent.
var NotecoderSheets = (function () {
  "use strict";
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // gaps: [{id, key?, label, indicators, query}]; answers: gap id -> the answers its query offers
  function querySheet(sheet, noteId, gaps, answers) {
    sheet.textContent = "";
    sheet.appendChild(el("h2", "Documentation query"));
    sheet.appendChild(el("p", "Patient record: " + noteId + ". Please answer from your clinical judgment; any answer, "
      + "including that it cannot be determined, is appropriate."));
    gaps.forEach(function (g, n) {
      var part = el("section", null, "nc-query-item");
      if (g.key) part.setAttribute("data-gap", g.key);
      part.appendChild(el("h3", (n + 1) + ". " + g.label));
      if (g.indicators.length) {
        part.appendChild(el("p", "Clinical indicators in the record:"));
        var list = el("ul");
        g.indicators.forEach(function (text) { list.appendChild(el("li", "\u201c" + text + "\u201d")); });
        part.appendChild(list);
      }
      part.appendChild(el("p", g.query, "nc-query-question"));
      var offered = (answers[g.id] || []).concat(["Other (please specify): ____________", "Clinically undetermined"]);
      var choices = el("ul", null, "nc-choices");
      offered.forEach(function (a) { choices.appendChild(el("li", "\u2610 " + a)); });
      part.appendChild(choices);
      sheet.appendChild(part);
    });
    sheet.appendChild(el("p", "Provider signature: ____________________   Date: ____________"));
    sheet.hidden = false;
  }

  // the rule of every CSV notecoder writes (batch/csv_cells.py): a cell starting like a formula is quoted
  function csv(columns, rows, formula) {
    function cell(value) {
      var text = String(value === undefined || value === null ? "" : value);
      if (text && formula.indexOf(text.charAt(0)) >= 0) text = "'" + text;
      return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }
    return [columns.join(",")].concat(rows.map(function (r) {
      return columns.map(function (c) { return cell(r[c]); }).join(",");
    })).join("\r\n") + "\r\n";
  }

  function download(name, type, body) {
    var link = el("a"), url = URL.createObjectURL(new Blob([body], {type: type}));
    link.href = url; link.download = name; document.body.appendChild(link); link.click();
    setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 0);
  }

  return {el: el, querySheet: querySheet, csv: csv, download: download};
})();
