/* The what-if's chart on the deadline page: Users by status now and under the what-if, drawn with
   Chart.js (global `Chart`) from the JSON the page carries. The same figures are in the table
   beside it, so the page says everything without JavaScript. */
(function () {
  'use strict';
  var data = document.getElementById('whatif-chart-data');
  var canvas = document.getElementById('whatif-chart');
  if (!data || !canvas || !window.Chart) return;
  var chart = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: chart.labels,
      datasets: [
        { label: chart.currentLabel, data: chart.current, backgroundColor: '#9aa5b1', borderColor: '#505a5f', borderWidth: 1 },
        { label: chart.proposedLabel, data: chart.proposed, backgroundColor: '#1d3557', borderColor: '#1d3557', borderWidth: 1 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { display: false } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Users' }, grid: { color: '#e5e5e5' } },
      },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 14 } } },
    },
  });
  canvas.setAttribute('data-drawn', 'true');
})();
