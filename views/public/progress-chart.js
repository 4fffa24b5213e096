/* Outstanding MAP IDs over time against the deadline trajectory, drawn with Chart.js (global
   `Chart`). Shared by the dashboard pages and the PDF report, so both draw the same picture.
   Dates sit on a true time axis (days), so uneven gaps between snapshots show as they are. */
(function () {
  'use strict';
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  function dayNumber(iso) {
    return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86400000;
  }

  function monthLabel(day) {
    var d = new Date(day * 86400000);
    return MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }

  function dateLabel(day) {
    var d = new Date(day * 86400000);
    return d.getUTCDate() + ' ' + monthLabel(day);
  }

  /** The narrowest span the date axis shows, in days: a lone snapshot sits in a month, not in years. */
  var MIN_SPAN_DAYS = 30;

  /**
   * The date axis's range. Chart.js pads a range of one value by 5 % of the value itself, which for
   * a day number (about 20,000) is years each side: one snapshot drew as a dot on seven years. A range
   * under MIN_SPAN_DAYS is widened around its middle instead; a wider one is left to Chart.js (min
   * and max undefined). `span` is the days the data cover.
   */
  function dateRange(datasets) {
    var min = Infinity;
    var max = -Infinity;
    datasets.forEach(function (set) {
      set.data.forEach(function (p) {
        if (p.x < min) min = p.x;
        if (p.x > max) max = p.x;
      });
    });
    if (min > max) return { span: 0 };
    if (max - min >= MIN_SPAN_DAYS) return { min: undefined, max: undefined, span: max - min };
    var middle = Math.round((min + max) / 2);
    return { min: middle - MIN_SPAN_DAYS / 2, max: middle + MIN_SPAN_DAYS / 2, span: MIN_SPAN_DAYS };
  }

  function points(list, key) {
    return list.map(function (p) {
      return { x: dayNumber(p.date), y: p[key] };
    });
  }

  function draw(canvas, series, options) {
    var opts = options || {};
    var datasets = [
      {
        label: 'Outstanding (total)',
        data: points(series.history, 'total'),
        borderColor: '#1d3557',
        backgroundColor: '#1d3557',
        borderWidth: 2.5,
        pointRadius: 2,
      },
      { label: 'ESME', data: points(series.history, 'esme'), borderColor: '#2f7fb5', backgroundColor: '#2f7fb5', borderWidth: 1.5, pointRadius: 0 },
      { label: 'GSME', data: points(series.history, 'gsme'), borderColor: '#7fa650', backgroundColor: '#7fa650', borderWidth: 1.5, pointRadius: 0 },
    ];
    if (series.allowance && series.allowance.length) {
      datasets.push({
        label: 'At full allowance',
        data: points(series.allowance, 'outstanding'),
        borderColor: '#8a5300',
        backgroundColor: '#8a5300',
        borderDash: [2, 3],
        borderWidth: 1.5,
        pointRadius: 0,
      });
    }
    if (series.trajectory.length) {
      datasets.push({
        label: 'Deadline trajectory',
        data: points(series.trajectory, 'outstanding'),
        borderColor: '#b10e1e',
        backgroundColor: '#b10e1e',
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
      });
    }
    var range = dateRange(datasets);
    var span = range.span;
    // Within about eight months, ticks name days: month names alone would repeat ("Jan 2027" twice).
    var byDay = span <= 240;
    datasets.forEach(function (set) {
      // A series of one point has no line to show it: it is drawn as a dot big enough to see.
      if (set.data.length === 1) set.pointRadius = Math.max(set.pointRadius, set.borderWidth > 2 ? 5 : 4);
      // A point on the edge of the plot (the first snapshot, the highest count) is drawn whole.
      set.clip = 6;
    });
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        animation: false,
        responsive: Boolean(opts.responsive),
        maintainAspectRatio: false,
        devicePixelRatio: opts.devicePixelRatio || window.devicePixelRatio || 1,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        layout: { padding: { top: 6, right: 6 } },
        scales: {
          x: {
            type: 'linear',
            min: range.min,
            max: range.max,
            // A short axis ticks weekly, on its own days: not also on its ends, which would crowd the last label.
            ticks: { callback: byDay ? dateLabel : monthLabel, maxTicksLimit: 8, stepSize: span <= 4 * MIN_SPAN_DAYS ? 7 : undefined, includeBounds: !byDay },
            grid: { color: '#e5e5e5' },
          },
          y: {
            beginAtZero: true,
            title: { display: true, text: 'MAP IDs outstanding' },
            ticks: {
              callback: function (v) {
                return Number(v).toLocaleString('en-GB');
              },
            },
            grid: { color: '#e5e5e5' },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 14 } },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? dateLabel(items[0].parsed.x) : '';
              },
            },
          },
        },
      },
    });
  }

  /** Draws every canvas[data-chart] under root from data[its key]; returns how many it drew. */
  function drawAll(root, data, options) {
    var canvases = root.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) {
      var series = data[canvases[i].getAttribute('data-chart')];
      if (!series) throw new Error('No chart data for ' + canvases[i].getAttribute('data-chart'));
      draw(canvases[i], series, options);
    }
    return canvases.length;
  }

  window.BackfillCharts = { draw: draw, drawAll: drawAll };
})();
