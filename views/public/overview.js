/* Draws the overview's chart from the JSON the page carries. The page works without it. */
(function () {
  'use strict';
  var data = document.getElementById('chart-data');
  if (!data || !window.Chart || !window.BackfillCharts) return;
  window.BackfillCharts.drawAll(document, JSON.parse(data.textContent), { responsive: true });
})();
