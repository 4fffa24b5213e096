// The snapshot upload form, enhanced: the file goes up with XMLHttpRequest so the page can show one
// bar for the transfer (the browser's upload progress) and one for the import (the server's
// record of rows and bytes read, polled). Without JavaScript the form posts as a plain multipart
// form and the server answers with the result page.
(function () {
  'use strict';
  var form = document.getElementById('upload-form');
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.fetch) return;

  var box = document.getElementById('upload-progress');
  var transferBar = document.getElementById('transfer-progress');
  var transferText = document.getElementById('transfer-text');
  var importBar = document.getElementById('import-progress');
  var importText = document.getElementById('import-text');
  var status = document.getElementById('upload-status');
  var button = document.getElementById('upload-button');
  var errors = document.getElementById('upload-errors');
  var errorsMessage = document.getElementById('upload-errors-message');
  var errorsList = document.getElementById('upload-errors-list');
  var errorsGroups = document.getElementById('upload-errors-groups');
  var POLL_MS = 250;

  function megabytes(n) {
    if (n < 1e5) return (n / 1e3).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + ' kB';
    return (n / 1e6).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + ' MB';
  }

  function thousands(n) {
    return Number(n).toLocaleString('en-GB');
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The import stopped without a snapshot: the bar says so (and why) instead of staying where it was.
  function stopBar(word, reason) {
    importBar.classList.add('progress-stopped');
    importText.textContent = word + (reason ? ': ' + reason : '');
    status.textContent = word + '.';
    status.classList.add('stopped');
  }

  // The refused file's rejected rows by reason, as the Snapshots page lists them (rejection-groups.hbs).
  function showGroups(rejected) {
    var list = element('ul', 'reason-groups');
    rejected.groups.forEach(function (group) {
      var li = element('li');
      var title = element('p', 'reason-group-title');
      title.appendChild(element('strong', 'reason-count', thousands(group.rows) + ' ×'));
      title.appendChild(document.createTextNode(' ' + group.label));
      li.appendChild(title);
      var table = element('table', 'data-table examples-table');
      table.appendChild(element('caption', 'visually-hidden', 'First rows with ' + group.label));
      var head = table.appendChild(element('thead')).appendChild(element('tr'));
      [
        ['Line', 'num'],
        ['Field', ''],
        ['Value', ''],
      ].forEach(function (h) {
        var th = head.appendChild(element('th', h[1], h[0]));
        th.setAttribute('scope', 'col');
      });
      var body = table.appendChild(element('tbody'));
      group.examples.forEach(function (e) {
        var tr = body.appendChild(element('tr'));
        tr.appendChild(element('td', 'num', thousands(e.line)));
        tr.appendChild(element('td', '', e.field));
        tr.appendChild(element('td', 'value mono', e.value));
      });
      li.appendChild(table);
      if (group.more > 0) li.appendChild(element('p', 'hint more-rows', 'and ' + thousands(group.more) + ' more'));
      list.appendChild(li);
    });
    errorsGroups.textContent = '';
    errorsGroups.appendChild(list);
    var csv = element('p', 'csv-link');
    var link = element(
      'a',
      '',
      rejected.csvPartial
        ? 'Download the ' + thousands(rejected.csvRows) + ' rejected rows kept (CSV)'
        : 'Download all ' + thousands(rejected.rejected) + ' rejected rows (CSV)',
    );
    link.href = rejected.csvHref;
    link.setAttribute('download', '');
    csv.appendChild(link);
    errorsGroups.appendChild(csv);
    errorsGroups.hidden = false;
  }

  function showErrors(message, items) {
    errorsGroups.hidden = true;
    errorsGroups.textContent = '';
    errorsMessage.textContent = message;
    errorsList.textContent = '';
    (items || []).slice(0, 50).forEach(function (item) {
      var li = document.createElement('li');
      if (item.line) {
        var strong = document.createElement('strong');
        strong.textContent = 'Line ' + thousands(item.line) + ': ';
        li.appendChild(strong);
      }
      li.appendChild(document.createTextNode(item.reason || item.message || ''));
      errorsList.appendChild(li);
    });
    errors.hidden = false;
    errors.focus();
  }

  form.addEventListener('submit', function (event) {
    var input = form.elements.namedItem('file');
    var file = input && input.files && input.files[0];
    // No file: let the browser's own check (the field is required) speak.
    if (!file) return;
    event.preventDefault();
    var maxBytes = Number(form.getAttribute('data-max-bytes'));
    if (maxBytes && file.size > maxBytes) {
      showErrors(
        'The file is larger than the ' +
          form.getAttribute('data-max-text') +
          ' this server accepts. Compress it with gzip, or ask the operator to raise the limit.',
        [],
      );
      return;
    }
    // The same rule as the server's, checked before sending gigabytes only to be told.
    var asOf = form.elements.namedItem('asOf');
    if (asOf && asOf.value.trim() === '' && !/(^|\D)\d{4}(-?)\d{2}\2\d{2}(\D|$)/.test(file.name)) {
      showErrors('Give the as-of date: ' + file.name + ' has no date (YYYYMMDD or YYYY-MM-DD) in its name.', []);
      asOf.focus();
      return;
    }
    errors.hidden = true;
    button.disabled = true;
    box.hidden = false;
    transferBar.value = 0;
    importBar.value = 0;
    importBar.classList.remove('progress-stopped');
    status.classList.remove('stopped');
    transferText.textContent = '0 of ' + megabytes(file.size);
    importText.textContent = 'Waiting for the first bytes';
    status.textContent = 'Uploading ' + file.name + '…';

    var finished = false;
    var stopped = false;
    var after = form.getAttribute('data-after-import');
    var pollUrl = '/snapshots/import-progress?file=' + encodeURIComponent(file.name) + '&after=' + encodeURIComponent(after);
    function poll() {
      if (finished) return;
      fetch(pollUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(function (progress) {
          if (finished || !progress || progress.status === 'waiting') return;
          // Refused while the rest of the file is still on its way (the server reads it to the end
          // before it answers): say so now, not when the transfer ends.
          if (progress.status === 'failed') {
            stopped = true;
            stopBar(progress.refused ? 'Refused' : 'Failed', progress.reason);
            return;
          }
          var share = file.size > 0 ? Math.min(1, progress.bytes / file.size) : 0;
          importBar.value = Math.round(share * 1000) / 10;
          importText.textContent = Number(progress.rows).toLocaleString('en-GB') + ' rows read, ' + megabytes(progress.bytes) + ' of ' + megabytes(file.size);
          if (share >= 1) status.textContent = 'Checking for duplicate devices and saving…';
        })
        .catch(function () {
          /* the next poll will tell */
        })
        .then(function () {
          if (!finished && !stopped) window.setTimeout(poll, POLL_MS);
        });
    }
    window.setTimeout(poll, POLL_MS);

    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf'));
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      transferBar.value = Math.round((e.loaded / e.total) * 1000) / 10;
      transferText.textContent = megabytes(Math.min(e.loaded, file.size)) + ' of ' + megabytes(file.size);
    });
    xhr.upload.addEventListener('load', function () {
      transferBar.value = 100;
      status.textContent = 'Sent. Finishing the import…';
    });
    xhr.addEventListener('load', function () {
      finished = true;
      var body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (body && body.location) {
        importBar.value = 100;
        status.textContent = body.status === 'duplicate' ? 'Already imported. Opening it…' : 'Imported. Opening the result…';
        window.location.assign(body.location);
        return;
      }
      button.disabled = false;
      if (body && body.status === 'failed') {
        var reason = body.errors && body.errors[0] ? body.errors[0].reason : '';
        stopBar('Refused', reason);
        if (body.refusal && body.refusal.rejected) {
          showErrors(file.name + ' was refused: ' + reason + '. The rejected rows, by reason:', []);
          showGroups(body.refusal.rejected);
        } else {
          showErrors(file.name + ' was not imported. Nothing of it was stored.', body.errors);
        }
      } else if (body && body.error) {
        // A 4xx is about the file or the form; a 5xx is the server's own failure.
        stopBar(xhr.status >= 500 ? 'Failed' : 'Refused', body.error.message);
        showErrors(
          body.error.message,
          (body.error.fields || []).map(function (f) {
            return { line: f.line, reason: f.message };
          }),
        );
      } else {
        stopBar('Failed', 'HTTP ' + xhr.status);
        showErrors('The server did not answer as expected (HTTP ' + xhr.status + '). Reload the page to see whether the file was imported.', []);
      }
    });
    xhr.addEventListener('error', function () {
      finished = true;
      button.disabled = false;
      stopBar('Failed', 'the connection to the server was lost');
      showErrors('The upload stopped: the connection to the server was lost. Nothing was imported unless the Snapshots page lists it; try again.', []);
    });
    xhr.send(new FormData(form));
  });
})();
