// GenoVFL web app: the few things server-rendered pages cannot do alone. No inline scripts
// (the content security policy forbids them): each page marks what it needs with data-page.
(function () {
  'use strict';

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value === null || value === undefined ? '–' : String(value); }
  }

  function fixed(x, digits) { return typeof x === 'number' ? x.toFixed(digits) : '–'; }

  function poll(url, everyMs, onData) {
    var stopped = false;
    function once() {
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && onData(data) === false) { stopped = true; }
        })
        .catch(function () { /* a missed poll is retried */ })
        .finally(function () { if (!stopped) { setTimeout(once, everyMs); } });
    }
    once();
  }

  // ---- training run: live validation AUC and log-loss per epoch -------------------------
  function trainingRun(main) {
    var chartEl = document.getElementById('metrics-chart');
    var plot = null;
    var shownEpochs = -1;
    var maxEpochs = 1;
    var lastEpoch = 0;
    function draw(epochs) {
      var data = [epochs.map(function (e) { return e.epoch; }), epochs.map(function (e) { return e.auc; }),
        epochs.map(function (e) { return e.logLoss; })];
      if (!plot) {
        plot = new uPlot({
          width: Math.max(320, chartEl.clientWidth), height: 300,
          // The x axis spans the run's epochs from the start, so each new point lands in place.
          scales: { x: { time: false, range: function () { return [0, Math.max(lastEpoch, maxEpochs - 1, 1)]; } },
            auc: { range: [0.4, 1] }, loss: {} },
          series: [{ label: 'Epoch' },
            { label: 'Validation AUC', scale: 'auc', stroke: '#1f6feb', width: 2, points: { size: 7 } },
            { label: 'Log-loss', scale: 'loss', stroke: '#d97706', width: 2, dash: [6, 4], points: { size: 6 } }],
          axes: [{ label: 'Epoch', incrs: [1, 2, 5, 10, 20, 50] },
            { scale: 'auc', label: 'AUC', stroke: '#1f6feb' },
            { scale: 'loss', side: 1, label: 'Log-loss', stroke: '#d97706', grid: { show: false } }]
        }, data, chartEl);
      } else {
        plot.setData(data);
      }
      chartEl.setAttribute('data-points', String(epochs.length));
      text('chart-points', epochs.length + (epochs.length === 1 ? ' epoch' : ' epochs'));
    }
    function rows(epochs) {
      var body = document.querySelector('#epochs tbody');
      body.textContent = '';
      epochs.forEach(function (e) {
        var tr = document.createElement('tr');
        [e.epoch, fixed(e.auc, 4), '[' + fixed(e.aucLower, 3) + ', ' + fixed(e.aucUpper, 3) + ']', fixed(e.logLoss, 4),
          fixed(e.accuracy, 3), (100 * e.shareOutsideInterval).toFixed(1) + '%'].forEach(function (v, i) {
          var td = document.createElement('td');
          if (i !== 2) { td.className = 'num'; }
          td.textContent = v;
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }
    poll(main.getAttribute('data-progress'), 1000, function (run) {
      var status = document.getElementById('run-status');
      status.textContent = run.status;
      status.className = 'status ' + run.status.toLowerCase();
      text('run-phase', run.phase);
      text('run-epoch', run.epoch);
      text('run-rounds', run.roundsCompleted);
      text('run-cohort', run.cohortSize);
      var epochs = run.epochs || [];
      maxEpochs = run.config ? run.config.maxEpochs : maxEpochs;
      lastEpoch = epochs.length ? epochs[epochs.length - 1].epoch : 0;
      if (epochs.length !== shownEpochs) {
        shownEpochs = epochs.length;
        draw(epochs);
        rows(epochs);
      }
      if (run.status !== 'RUNNING') {
        if (run.best) {
          document.getElementById('final').hidden = false;
          text('best-epoch', run.bestEpoch);
          text('best-auc', fixed(run.best.auc, 4) + '  [' + fixed(run.best.aucLower, 4) + ', ' + fixed(run.best.aucUpper, 4) + ']');
          text('best-logloss', fixed(run.best.logLoss, 4));
          text('best-accuracy', fixed(run.best.accuracy, 4));
          text('best-outside', (100 * run.best.shareOutsideInterval).toFixed(1) + '%');
          text('stop-reason', run.stopReason);
          text('model-sha', run.modelSha256);
        }
        if (run.test) { testReport(run.test); }
        if (run.error) {
          var error = document.getElementById('run-error');
          error.hidden = false;
          error.textContent = 'The run failed: ' + run.error;
        }
        main.setAttribute('data-finished', 'true');
        return false;
      }
    });
  }

  // ---- PSI run progress -----------------------------------------------------------------
  /** The released model on the test rows: metrics, and calibration as a chart and a table. */
  function testReport(test) {
    document.getElementById('test').hidden = false;
    text('test-patients', test.patients + ' (' + test.positives + ')');
    text('test-auc', fixed(test.auc, 4) + '  [' + fixed(test.aucLower, 4) + ', ' + fixed(test.aucUpper, 4) + ']');
    text('test-clinical-auc', fixed(test.clinicalOnlyAuc, 4));
    text('test-logloss', fixed(test.logLoss, 4));
    text('test-prevalence-logloss', fixed(test.prevalenceLogLoss, 4));
    text('test-brier', fixed(test.brier, 4));
    text('test-accuracy', fixed(test.accuracy, 4));
    text('test-calibration-fit', fixed(test.calibrationIntercept, 3) + ' and ' + fixed(test.calibrationSlope, 3));
    var bins = (test.calibration || []).filter(function (b) { return b.count > 0; });
    var chartEl = document.getElementById('calibration-chart');
    // Sorted by predicted risk; the diagonal is the second series, drawn at the same x.
    var xs = bins.map(function (b) { return b.meanPredicted; });
    new uPlot({
      width: Math.max(320, Math.min(520, chartEl.clientWidth)), height: 320,
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      series: [{ label: 'Mean predicted risk' },
        { label: 'Observed rate', stroke: '#1f6feb', width: 2, points: { size: 8 } },
        { label: 'Calibrated', stroke: '#8b949e', width: 1, dash: [4, 4], points: { show: false } }],
      axes: [{ label: 'Mean predicted risk' }, { label: 'Observed rate' }]
    }, [xs, bins.map(function (b) { return b.observedRate; }), xs], chartEl);
    chartEl.setAttribute('data-points', String(bins.length));
    var body = document.querySelector('#calibration tbody');
    body.textContent = '';
    bins.forEach(function (b) {
      var tr = document.createElement('tr');
      [fixed(b.from, 1) + '–' + fixed(b.to, 1), b.count, fixed(b.meanPredicted, 3), fixed(b.observedRate, 3)]
        .forEach(function (v, i) {
          var td = document.createElement('td');
          if (i > 0) { td.className = 'num'; }
          td.textContent = v;
          tr.appendChild(td);
        });
      body.appendChild(tr);
    });
  }

  function psiRun(main) {
    poll(main.getAttribute('data-progress'), 500, function (run) {
      var status = document.getElementById('psi-status');
      status.textContent = run.status;
      status.className = 'status ' + run.status.toLowerCase();
      var p = run.progress;
      text('psi-step', p ? p.step : null);
      if (run.status === 'COMPLETED') {
        var done = document.getElementById('psi-bar');
        done.max = 1;
        done.value = 1;
        text('psi-done', 'done');
      } else if (p && p.total > 0) {
        var bar = document.getElementById('psi-bar');
        bar.max = p.total;
        bar.value = p.done;
        text('psi-done', p.done + ' / ' + p.total);
      }
      text('psi-local', run.localSetSize);
      text('psi-shared', run.intersectionSize);
      text('psi-commitment', run.cohortCommitment);
      text('psi-error', run.error);
      if (run.status === 'COMPLETED' || run.status === 'FAILED') {
        main.setAttribute('data-finished', 'true');
        return false;
      }
    });
  }

  // ---- upload with progress -------------------------------------------------------------
  function upload(form) {
    form.addEventListener('submit', function (event) {
      if (!window.FormData || !form.file.files.length) { return; } // the plain form post still works
      event.preventDefault();
      var box = document.getElementById('upload-progress');
      var bar = document.getElementById('upload-bar');
      var status = document.getElementById('upload-status');
      var button = document.getElementById('upload');
      box.hidden = false;
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      var parsing = null;
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
          status.textContent = 'Uploading: ' + bar.value + '% of ' + (e.total / 1048576).toFixed(1) + ' MB';
        }
      });
      xhr.upload.addEventListener('load', function () {
        bar.removeAttribute('value'); // indeterminate while the server reads the file
        status.textContent = 'Uploaded; importing…';
        parsing = setInterval(function () {
          fetch(form.getAttribute('data-running'), { credentials: 'same-origin' })
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(function (running) {
              if (running.length) {
                status.textContent = 'Importing ' + running[0].name + ': ' + running[0].variantsSoFar.toLocaleString()
                  + ' variants read';
              }
            }).catch(function () {});
        }, 1000);
      });
      xhr.addEventListener('loadend', function () {
        if (parsing) { clearInterval(parsing); }
        if (xhr.status >= 200 && xhr.status < 400 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
        } else {
          button.disabled = false;
          status.textContent = 'The upload failed (' + (xhr.status || 'no answer') + ').';
        }
      });
      xhr.open('POST', form.action);
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var main = document.querySelector('main[data-page]');
    if (main && main.getAttribute('data-page') === 'training-run') { trainingRun(main); }
    if (main && main.getAttribute('data-page') === 'psi-run') { psiRun(main); }
    var form = document.getElementById('upload-form');
    if (form) { upload(form); }
  });
}());
