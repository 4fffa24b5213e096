/* Draws the report's charts, then raises the flag the PDF renderer waits for. If any chart fails,
   the flag stays down and the render fails: a report is never printed with a blank chart. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  window.BackfillCharts.drawAll(document, data, { responsive: true, devicePixelRatio: 2 });
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      window.__reportReady = true;
    });
  });
})();
