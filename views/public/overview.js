/* Draws the overview's chart from the JSON the page carries, and lets Escape hide a RAG reason's
   full text shown on focus (WCAG 1.4.13). The page works without it. */
(function () {
  'use strict';
  document.addEventListener('keydown', function (event) {
    var tag = document.activeElement;
    if (event.key === 'Escape' && tag && tag.classList && tag.classList.contains('reason-tag')) tag.classList.add('tip-dismissed');
  });
  document.addEventListener('focusout', function (event) {
    if (event.target && event.target.classList && event.target.classList.contains('reason-tag')) event.target.classList.remove('tip-dismissed');
  });
  var data = document.getElementById('chart-data');
  if (!data || !window.Chart || !window.BackfillCharts) return;
  window.BackfillCharts.drawAll(document, JSON.parse(data.textContent), { responsive: true });
})();
