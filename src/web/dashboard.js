// The dashboard's page script: reads the API every few seconds and redraws. Plain browser JavaScript
// served as written. Every value from the API goes into the page as text (textContent), never as HTML,
// so a symbol or a reason cannot inject markup. The operator token lives in sessionStorage only: the
// server never puts it in the page.
(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var TOKEN_KEY = 'sigil.token';
  var charts = { equity: null, exits: null, candles: null };
  var candleSymbol = null;
  var mutationsEnabled = false;

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function replaceChildren(node, children) {
    while (node.firstChild) node.removeChild(node.firstChild);
    children.forEach(function (child) {
      node.appendChild(child);
    });
  }

  function money(value) {
    if (value === null || value === undefined || !isFinite(value)) return '—';
    return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function percent(fraction) {
    return fraction === null || fraction === undefined ? '—' : (fraction * 100).toFixed(1) + ' %';
  }

  function signClass(value) {
    return value > 0 ? 'pos' : value < 0 ? 'neg' : '';
  }

  function time(ms) {
    return ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
  }

  function age(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    if (seconds < 90) return Math.round(seconds) + ' s';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
    return (seconds / 86400).toFixed(1) + ' d';
  }

  function token() {
    return $('token').value.trim();
  }

  function api(path, init) {
    return fetch(path, init).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(path + ': ' + (body.error || response.status));
        return body;
      });
    });
  }

  function showError(error) {
    var box = $('error');
    box.hidden = !error;
    box.textContent = error ? String(error.message || error) : '';
  }

  // ---- Variants side by side ----

  function row(label, value, className) {
    return [el('dt', { text: label }), el('dd', { text: value, className: className || '' })];
  }

  function variantCard(v, metrics, color) {
    var state = v.tradingState.state;
    var details = [].concat(
      row('Balance', money(v.balance)),
      row('Realised P&L', money(v.realisedPnl), signClass(v.realisedPnl)),
      row('Equity', v.latestEquity ? money(v.latestEquity.equity) : '—'),
      row('Open positions', String(v.openPositions)),
      row('Trades', metrics ? String(metrics.trades) : '0'),
      row('Win rate', metrics ? percent(metrics.winRate) : '—'),
      row('Max drawdown', metrics ? metrics.maxDrawdownPct.toFixed(1) + ' %' : '—'),
    );
    var reason =
      state === 'active' ? null : el('p', { className: 'muted reason', text: v.tradingState.reason });
    var canAct = mutationsEnabled && token() !== '';
    var halt = el('button', { className: 'halt', text: 'Halt', 'data-action': 'halt' });
    var reset = el('button', { className: 'reset', text: 'Reset', 'data-action': 'reset' });
    halt.disabled = !canAct || state === 'halted';
    reset.disabled = !canAct || state === 'active';
    halt.title = reset.title = mutationsEnabled
      ? 'needs the operator token'
      : 'the server has no SIGIL_API_TOKEN: halt and reset are off';
    halt.addEventListener('click', function () {
      act(v.name, 'halt');
    });
    reset.addEventListener('click', function () {
      act(v.name, 'reset');
    });
    return el('div', { className: 'card variant', 'data-variant': v.name }, [
      el('h3', {}, [
        el('span', {}, [
          el('span', { className: 'swatch', style: 'background:' + color }),
          el('span', { text: v.name }),
        ]),
        el('span', { className: 'state state-' + state, text: state }),
      ]),
      v.preset ? el('div', { className: 'muted', text: 'prop-firm rules: ' + v.preset }) : null,
      el('dl', {}, details),
      reason,
      el('div', { className: 'actions' }, [halt, reset]),
    ]);
  }

  function act(variant, action) {
    var verb = action === 'halt' ? 'Halt' : 'Reset';
    if (!window.confirm(verb + ' ' + variant + '?')) return;
    api('/api/variants/' + encodeURIComponent(variant) + '/' + action, {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: verb.toLowerCase() + 'ed from the dashboard' }),
    })
      .then(function () {
        showError(null);
        return refresh();
      })
      .catch(showError);
  }

  // ---- Tables ----

  function table(node, head, rows) {
    var thead = el('thead', {}, [
      el(
        'tr',
        {},
        head.map(function (h, i) {
          return el('th', { text: h, className: i === 0 ? 'text' : '' });
        }),
      ),
    ]);
    replaceChildren(node, [thead, el('tbody', {}, rows)]);
  }

  function pipeline(status) {
    var used = status.statuses.filter(function (s) {
      return status.variants.some(function (v) {
        return (status.intents[v] || {})[s] > 0;
      });
    });
    table(
      $('pipeline'),
      ['Variant'].concat(used),
      status.variants.map(function (v) {
        var counts = status.intents[v] || {};
        return el(
          'tr',
          {},
          [el('td', { className: 'text', text: v })].concat(
            used.map(function (s) {
              return el('td', { text: String(counts[s] || 0), 'data-status': s });
            }),
          ),
        );
      }),
    );
  }

  function heartbeats(body) {
    table(
      $('heartbeats'),
      ['Variant', 'Last scan started', 'Last scan ended', 'Age', 'Stale after', 'Last error'],
      body.heartbeats.map(function (hb) {
        return el('tr', { className: hb.stale ? 'stale' : '', 'data-variant': hb.variantId }, [
          el('td', { className: 'text', text: hb.variantId }),
          el('td', { text: time(hb.lastScanStart) }),
          el('td', { text: time(hb.lastScanEnd) }),
          el('td', { text: age(hb.ageSeconds) + (hb.stale ? ' — stale' : '') }),
          el('td', { text: hb.staleAfterMinutes === null ? '—' : hb.staleAfterMinutes + ' min' }),
          el('td', { className: 'text', text: hb.lastError || '' }),
        ]);
      }),
    );
  }

  function locks(body) {
    $('locks-section').hidden = body.locks.length === 0;
    table(
      $('locks'),
      ['Variant', 'Symbol', 'Kind', 'Until', 'Left', 'Reason'],
      body.locks.map(function (lock) {
        return el('tr', { 'data-variant': lock.variantId, 'data-kind': lock.kind }, [
          el('td', { className: 'text', text: lock.variantId }),
          el('td', { className: 'text', text: lock.symbol === '*' ? 'all symbols' : lock.symbol }),
          el('td', { className: 'text', text: lock.kind }),
          el('td', { text: time(lock.until) }),
          el('td', { text: age((lock.until - body.now) / 1000) }),
          el('td', { className: 'text', text: lock.reason }),
        ]);
      }),
    );
  }

  function intents(body) {
    table(
      $('intents'),
      ['Created', 'Variant', 'Symbol', 'Side', 'Status', 'Reason'],
      body.intents.map(function (i) {
        return el('tr', {}, [
          el('td', { className: 'text', text: time(i.createdAt) }),
          el('td', { className: 'text', text: i.variantId }),
          el('td', { className: 'text', text: i.symbol }),
          el('td', { className: 'text', text: i.suggestedSide || '' }),
          el('td', { className: 'text', text: i.status }),
          el('td', { className: 'text', text: i.statusReason }),
        ]);
      }),
    );
  }

  function compliance(body) {
    $('compliance-section').hidden = body.variants.length === 0;
    replaceChildren(
      $('compliance'),
      body.variants.map(function (c) {
        var left = function (used, max) {
          return max > 0 ? String(Math.max(0, max - used)) + ' of ' + max : 'unlimited';
        };
        var level = function (fail, actAt) {
          return fail === null ? 'off' : 'fails ' + money(fail) + ', acts ' + money(actAt);
        };
        var bestDay = c.totalProfit > 0 ? percent(c.bestDay / c.totalProfit) : '—';
        return el('div', { className: 'card compliance', 'data-variant': c.variant }, [
          el('h3', {}, [el('span', { text: c.variant + ' (' + c.preset + ')' })]),
          el(
            'dl',
            {},
            [].concat(
              row('Firm day', c.day),
              row('Equity', money(c.equity)),
              row('Daily loss', level(c.dailyLossLevel, c.dailyActLevel)),
              row('Daily room', c.dailyActLevel === null ? '—' : money(c.equity - c.dailyActLevel)),
              row('Max loss', level(c.maxLossLevel, c.maxActLevel)),
              row('Max room', c.maxActLevel === null ? '—' : money(c.equity - c.maxActLevel)),
              row('Best day share', bestDay + (c.bestDayOk ? '' : ' (rule not met)')),
              row('Trading days', c.tradingDays + ' / ' + c.minTradingDays),
              row('Requests left', left(c.requests.all, c.requestLimits.allPerDay)),
              row('Paused until', c.pausedUntil || '—'),
            ),
          ),
        ]);
      }),
    );
  }

  function legend(node, series) {
    replaceChildren(
      node,
      series.map(function (s) {
        return el('li', {}, [
          el('span', { className: 'swatch', style: 'background:' + s.color }),
          el('span', { text: s.variant }),
        ]);
      }),
    );
  }

  function report(body, variants) {
    var byVariant = {};
    body.variants.forEach(function (m) {
      byVariant[m.variantId] = m;
    });
    var colors = {};
    body.equity.forEach(function (s) {
      colors[s.variant] = s.color;
    });
    replaceChildren(
      $('variants'),
      variants.variants.map(function (v) {
        return variantCard(v, byVariant[v.name], colors[v.name] || '#868e96');
      }),
    );
    legend($('equity-legend'), body.equity);
    legend($('exits-legend'), body.exits.series);
    if (charts.equity) charts.equity.update(body.equity);
    else charts.equity = window.SigilCharts.equityChart($('equity-chart'), body.equity);
    if (charts.exits) charts.exits.update(body.exits);
    else charts.exits = window.SigilCharts.exitChart($('exits-chart'), body.exits);
    replaceChildren(
      $('ab'),
      body.ab.length === 0
        ? [el('li', { className: 'muted', text: 'Nothing to compare: fewer than two variants.' })]
        : body.ab.map(function (c) {
            return el('li', { className: 'verdict-' + c.verdict, text: c.summary });
          }),
    );
  }

  // ---- Candles ----

  function symbols(list) {
    var select = $('symbol');
    if (select.options.length === list.length) return;
    replaceChildren(
      select,
      list.map(function (s) {
        return el('option', { value: s, text: s });
      }),
    );
    if (candleSymbol === null && list.length > 0) candleSymbol = list[0];
    select.value = candleSymbol || '';
  }

  function candles() {
    if (candleSymbol === null) {
      $('candle-note').textContent = 'No candle data: the dashboard reads the configured market.data files.';
      return Promise.resolve();
    }
    var symbol = candleSymbol;
    return api('/api/candles/' + encodeURIComponent(symbol)).then(function (body) {
      if (symbol !== candleSymbol) return;
      $('candle-note').textContent =
        body.candles.length +
        ' bars, ' +
        body.markers.length +
        ' entries/exits, ' +
        body.stops.length +
        ' open stops';
      var fit = charts.candles && charts.candles.symbol !== symbol;
      if (charts.candles) charts.candles.chart.update(body, fit);
      else charts.candles = { chart: window.SigilCharts.candleChart($('candle-chart'), body) };
      charts.candles.symbol = symbol;
    });
  }

  // ---- The refresh loop ----

  function refresh() {
    return Promise.all([
      api('/api/status'),
      api('/api/variants'),
      api('/api/report'),
      api('/api/heartbeats'),
      api('/api/compliance'),
      api('/api/intents?order=newest&limit=15'),
      api('/api/locks'),
    ]).then(function (r) {
      var status = r[0];
      mutationsEnabled = status.mutationsEnabled;
      $('token-box').hidden = !mutationsEnabled;
      $('bot-time').textContent = 'bot time ' + time(status.now) + ' UTC';
      pipeline(status);
      report(r[2], r[1]);
      heartbeats(r[3]);
      compliance(r[4]);
      intents(r[5]);
      locks(r[6]);
      symbols(status.symbols);
      return candles();
    });
  }

  function loop() {
    refresh()
      .then(function () {
        showError(null);
        $('refresh').textContent = 'updated ' + new Date().toLocaleTimeString();
        document.body.setAttribute('data-loaded', 'true');
      })
      .catch(showError)
      .then(function () {
        setTimeout(loop, REFRESH_MS);
      });
  }

  $('token').value = window.sessionStorage.getItem(TOKEN_KEY) || '';
  $('token').addEventListener('input', function () {
    window.sessionStorage.setItem(TOKEN_KEY, token());
    refresh().catch(showError);
  });
  $('symbol').addEventListener('change', function (event) {
    candleSymbol = event.target.value;
    candles().catch(showError);
  });
  loop();
})();
