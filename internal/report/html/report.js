// Sort a table by a clicked (or Enter/Space) header: numbers by their
// data-v value, text by locale order; a second click reverses. Without
// script the tables keep the order the report wrote them in.
(function () {
  function key(td, num) {
    if (!td) return num ? -Infinity : '';
    var v = td.getAttribute('data-v');
    if (num) { var f = parseFloat(v === null ? td.textContent : v); return isNaN(f) ? -Infinity : f; }
    return (v === null ? td.textContent : v).toLowerCase();
  }
  function sortBy(table, th, col) {
    var num = th.getAttribute('data-type') === 'num';
    var cur = th.getAttribute('aria-sort');
    var desc = cur ? cur === 'ascending' : num;
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col], num), y = key(b.cells[col], num);
      var c = num ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      return desc ? -c : c;
    });
    for (var j = 0; j < rows.length; j++) body.appendChild(rows[j]);
  }
  var tables = document.querySelectorAll('table.sortable');
  for (var t = 0; t < tables.length; t++) {
    (function (table) {
      if (!table.tHead || !table.tBodies.length) return;
      var ths = table.tHead.rows[0].cells;
      for (var i = 0; i < ths.length; i++) {
        (function (th, col) {
          th.tabIndex = 0;
          th.title = 'sort by ' + th.textContent;
          th.addEventListener('click', function () { sortBy(table, th, col); });
          th.addEventListener('keydown', function (e) {
            if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, th, col); }
          });
        })(ths[i], i);
      }
    })(tables[t]);
  }
})();
