// The dashboard's page script: reads the API every few seconds and updates the page in place through
// window.SigilView (dom-patch.js), keyed by variant, intent and lock, so a text the operator selected,
// the focus and the button under the pointer survive the refresh. Every value from the API goes into
// the page as text (textContent), never as HTML, so a symbol or a reason cannot inject markup. Times and
// ages come from the server (`now`, a heartbeat's ageSeconds and stale), which runs on the bot's clock
// — a replay's simulated one — never from the browser's. The operator token lives in sessionStorage
// only: the server never puts it in the page.
(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var TOKEN_KEY = 'sigil.token';
  var CANDLE_HINT = 'Point at a marker to list its trades.';
  var h = window.SigilView.h;
  var patch = window.SigilView.patch;
  var charts = { equity: null, exits: null, candles: null };
  var candleSymbol = null;
  var mutationsEnabled = false;
  /** Variant → its colour in the charts (the report's palette). */
  var colors = {};
  /** The variants the server knows, in its order; those unticked in the candle filter are hidden. */
  var variantNames = [];
  var hiddenMarkers = {};
  /** Shown until the operator dismisses them: { message, count, at }, one entry per distinct message. */
  var errors = [];
  var refreshes = 0;
  /** The closed-trades table: its variant, sort and page, the operator's until changed. */
  var TRADES_PAGE = 10;
  var trades = { variant: null, sort: 'exitTime', order: 'desc', offset: 0, total: 0 };
  var TRADE_COLUMNS = [
    ['exitTime', 'Closed'],
    ['symbol', 'Symbol'],
    ['side', 'Side'],
    ['entryTime', 'Opened'],
    ['entryPrice', 'Entry'],
    ['exitPrice', 'Exit'],
    ['qty', 'Qty'],
    ['exitReason', 'Reason'],
    ['fees', 'Fees'],
    ['pnl', 'P&L'],
    ['barsHeld', 'Bars'],
  ];

  function $(id) {
    return document.getElementById(id);
  }

  /** Writes a text only when it changed, so a selection inside it survives. */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
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
        if (!response.ok) {
          throw new Error((body.error || 'failed') + ' (HTTP ' + response.status + ' from ' + path + ')');
        }
        return body;
      });
    });
  }

  // ---- Errors: each stays until dismissed, however many refreshes pass ----

  function showError(error) {
    var message = String((error && error.message) || error);
    var same = errors.filter(function (e) {
      return e.message === message;
    })[0];
    if (same) {
      same.count += 1;
      same.at = new Date();
    } else errors.push({ message: message, count: 1, at: new Date() });
    drawErrors();
  }

  function refreshFailed(error) {
    // A lost connection says only "Failed to fetch": name what failed.
    showError('Refresh: ' + ((error && error.message) || error));
  }

  function drawErrors() {
    patch(
      $('errors'),
      errors.map(function (e) {
        return h('div', { key: e.message, className: 'error', 'data-error': e.message }, [
          h('span', { className: 'message', text: e.message }),
          h('span', {
            className: 'when',
            // The browser's own time: when this page saw the error, not a bot time.
            text: (e.count > 1 ? e.count + '\u00d7, last ' : '') + e.at.toLocaleTimeString(),
          }),
          h('button', {
            className: 'dismiss',
            type: 'button',
            title: 'Dismiss',
            'aria-label': 'Dismiss this error',
            text: '\u00d7',
          }),
        ]);
      }),
    );
  }

  // ---- Variants side by side ----

  function row(label, value, className) {
    return [h('dt', { text: label }), h('dd', { text: value, className: className || null })];
  }

  function variantCard(v, metrics, color) {
    var state = v.tradingState.state;
    var canAct = mutationsEnabled && token() !== '';
    var why = mutationsEnabled
      ? 'needs the operator token'
      : 'the server has no SIGIL_API_TOKEN: halt and reset are off';
    var details = [].concat(
      row('Balance', money(v.balance)),
      row('Realised P&L', money(v.realisedPnl), signClass(v.realisedPnl)),
      row('Equity', v.latestEquity ? money(v.latestEquity.equity) : '—'),
      row('Open positions', String(v.openPositions)),
      row('Trades', metrics ? String(metrics.trades) : '0'),
      row('Win rate', metrics ? percent(metrics.winRate) : '—'),
      row('Max drawdown', metrics ? metrics.maxDrawdownPct.toFixed(1) + ' %' : '—'),
    );
    // Keys on the optional parts, so a preset or a reason coming and going leaves the rest in place.
    return h('div', { key: v.name, className: 'card variant', 'data-variant': v.name }, [
      h('h3', { key: 'name' }, [
        h('span', {}, [
          h('span', { className: 'swatch', style: 'background:' + color }),
          h('span', { text: v.name }),
        ]),
        h('span', { className: 'state state-' + state, text: state }),
      ]),
      v.preset ? h('div', { key: 'preset', className: 'muted', text: 'prop-firm rules: ' + v.preset }) : null,
      h('dl', { key: 'numbers' }, details),
      state === 'active'
        ? null
        : h('p', { key: 'reason', className: 'muted reason', text: v.tradingState.reason }),
      h('div', { key: 'actions', className: 'actions' }, [
        h('button', {
          className: 'halt',
          type: 'button',
          'data-action': 'halt',
          disabled: !canAct || state === 'halted',
          title: why,
          text: 'Halt',
        }),
        h('button', {
          className: 'reset',
          type: 'button',
          'data-action': 'reset',
          disabled: !canAct || state === 'active',
          title: why,
          text: 'Reset',
        }),
      ]),
    ]);
  }

  function act(variant, action) {
    var verb = action === 'halt' ? 'Halt' : 'Reset';
    if (!window.confirm(verb + ' ' + variant + '?')) return;
    api('/api/variants/' + encodeURIComponent(variant) + '/' + action, {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: verb.toLowerCase() + 'ed from the dashboard' }),
    }).then(
      function () {
        return refresh().catch(refreshFailed);
      },
      function (error) {
        showError(verb + ' ' + variant + ': ' + error.message);
      },
    );
  }

  // ---- Tables (each in its own scrolling box: a phone scrolls the table, not the page) ----

  function table(node, head, rows) {
    patch(node, [
      h('thead', { key: 'head' }, [
        h(
          'tr',
          {},
          head.map(function (title, i) {
            return h('th', { key: title, text: title, className: i === 0 ? 'text' : null });
          }),
        ),
      ]),
      h('tbody', { key: 'body' }, rows),
    ]);
  }

  function cell(text, className) {
    return h('td', { text: text, className: className || null });
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
        return h(
          'tr',
          { key: v, 'data-variant': v },
          [cell(v, 'text')].concat(
            used.map(function (s) {
              return h('td', { key: s, text: String(counts[s] || 0), 'data-status': s });
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
        return h(
          'tr',
          { key: hb.variantId, className: hb.stale ? 'stale' : null, 'data-variant': hb.variantId },
          [
            cell(hb.variantId, 'text'),
            cell(time(hb.lastScanStart)),
            cell(time(hb.lastScanEnd)),
            cell(age(hb.ageSeconds) + (hb.stale ? ' — stale' : '')),
            cell(hb.staleAfterMinutes === null ? '—' : hb.staleAfterMinutes + ' min'),
            cell(hb.lastError || '', 'text'),
          ],
        );
      }),
    );
  }

  function locks(body) {
    $('locks-section').hidden = body.locks.length === 0;
    table(
      $('locks'),
      ['Variant', 'Symbol', 'Kind', 'Until', 'Left', 'Reason'],
      body.locks.map(function (lock) {
        return h(
          'tr',
          {
            key: lock.variantId + ' ' + lock.symbol + ' ' + lock.kind,
            'data-variant': lock.variantId,
            'data-kind': lock.kind,
          },
          [
            cell(lock.variantId, 'text'),
            cell(lock.symbol === '*' ? 'all symbols' : lock.symbol, 'text'),
            cell(lock.kind, 'text'),
            cell(time(lock.until)),
            cell(age((lock.until - body.now) / 1000)),
            cell(lock.reason, 'text'),
          ],
        );
      }),
    );
  }

  function intents(body) {
    table(
      $('intents'),
      ['Created', 'Variant', 'Symbol', 'Side', 'Status', 'Reason'],
      body.intents.map(function (i) {
        return h('tr', { key: i.id, 'data-intent': i.id }, [
          cell(time(i.createdAt), 'text'),
          cell(i.variantId, 'text'),
          cell(i.symbol, 'text'),
          cell(i.suggestedSide || '', 'text'),
          cell(i.status, 'text'),
          cell(i.statusReason, 'text'),
        ]);
      }),
    );
  }

  function compliance(body) {
    $('compliance-section').hidden = body.variants.length === 0;
    patch(
      $('compliance'),
      body.variants.map(function (c) {
        var left = function (used, max) {
          return max > 0 ? String(Math.max(0, max - used)) + ' of ' + max : 'unlimited';
        };
        var level = function (fail, actAt) {
          return fail === null ? 'off' : 'fails ' + money(fail) + ', acts ' + money(actAt);
        };
        var bestDay = c.totalProfit > 0 ? percent(c.bestDay / c.totalProfit) : '—';
        return h('div', { key: c.variant, className: 'card compliance', 'data-variant': c.variant }, [
          h('h3', {}, [h('span', { text: c.variant + ' (' + c.preset + ')' })]),
          h(
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
    patch(
      node,
      series.map(function (s) {
        return h('li', { key: s.variant }, [
          h('span', { className: 'swatch', style: 'background:' + s.color }),
          h('span', { text: s.variant }),
        ]);
      }),
    );
  }

  function report(body, variants) {
    var byVariant = {};
    body.variants.forEach(function (m) {
      byVariant[m.variantId] = m;
    });
    body.equity.forEach(function (s) {
      colors[s.variant] = s.color;
    });
    patch(
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
    patch(
      $('ab'),
      body.ab.length === 0
        ? [h('li', { key: 'none', className: 'muted', text: 'Nothing to compare: fewer than two variants.' })]
        : body.ab.map(function (c) {
            return h('li', { key: c.a + ' ' + c.b, className: 'verdict-' + c.verdict, text: c.summary });
          }),
    );
  }

  // ---- Candles ----

  function symbols(list) {
    var select = $('symbol');
    if (candleSymbol === null && list.length > 0) candleSymbol = list[0];
    patch(
      select,
      list.map(function (s) {
        return h('option', { key: s, value: s, text: s });
      }),
    );
    if (select.value !== (candleSymbol || '')) select.value = candleSymbol || '';
  }

  function shownVariants() {
    return variantNames.filter(function (v) {
      return !hiddenMarkers[v];
    });
  }

  /** One tick box per variant: whose entries, exits and stops the candle chart shows. */
  function markerFilter() {
    patch(
      $('marker-variants'),
      [h('legend', { key: 'legend', text: 'Trades of' })].concat(
        variantNames.map(function (v) {
          return h('label', { key: v, 'data-variant': v }, [
            h('input', { type: 'checkbox', value: v, props: { checked: !hiddenMarkers[v] } }),
            h('span', { className: 'swatch', style: 'background:' + (colors[v] || '#868e96') }),
            h('span', { text: v }),
          ]);
        }),
      ),
    );
  }

  function candleEvents(lines, at) {
    setText(
      $('candle-events'),
      lines.length === 0 ? CANDLE_HINT : time(at * 1000) + ': ' + lines.join(' · '),
    );
  }

  function candleNote() {
    var counts = charts.candles.chart.counts();
    setText(
      $('candle-note'),
      charts.candles.bars +
        ' bars, ' +
        counts.events +
        ' entries/exits on ' +
        counts.markers +
        ' markers, ' +
        counts.stops +
        ' open stops',
    );
  }

  function candles() {
    if (candleSymbol === null) {
      setText($('candle-note'), 'No candle data: the dashboard reads the configured market.data files.');
      return Promise.resolve();
    }
    var symbol = candleSymbol;
    return api('/api/candles/' + encodeURIComponent(symbol)).then(function (body) {
      if (symbol !== candleSymbol) return;
      var fit = charts.candles && charts.candles.symbol !== symbol;
      if (charts.candles) charts.candles.chart.update(body, fit);
      else {
        charts.candles = {
          chart: window.SigilCharts.candleChart($('candle-chart'), body, {
            colorOf: function (variant) {
              return colors[variant];
            },
            onHover: candleEvents,
          }),
        };
      }
      charts.candles.symbol = symbol;
      charts.candles.bars = body.candles.length;
      charts.candles.chart.show(shownVariants());
      candleNote();
    });
  }

  // ---- Open positions (with an Exit button each) and closed trades ----

  /** A price or a quantity to six significant digits: 0.000870961 rather than 0.0008709610271069201. */
  function price(value) {
    if (value === null || value === undefined || !isFinite(value)) return '—';
    return Number(value.toPrecision(6)).toString();
  }

  function positions(body) {
    var canAct = mutationsEnabled && token() !== '';
    var why = mutationsEnabled
      ? 'needs the operator token'
      : 'the server has no SIGIL_API_TOKEN: exits by hand are off';
    setText($('positions-note'), body.positions.length + ' open; last prices: ' + body.priceSource);
    table(
      $('positions'),
      [
        'Variant',
        'Symbol',
        'Side',
        'Opened',
        'Age',
        'Qty',
        'Entry',
        'Last',
        'Unrealised P&L',
        'Stop',
        'Trail',
        '',
      ],
      body.positions.map(function (p) {
        return h(
          'tr',
          { key: p.id, 'data-position': p.id, 'data-variant': p.variantId, 'data-symbol': p.symbol },
          [
            cell(p.variantId, 'text'),
            cell(p.symbol, 'text'),
            cell(p.side, 'text'),
            cell(time(p.openedAt)),
            cell(age(p.ageMs / 1000)),
            cell(price(p.qty)),
            cell(price(p.entryPrice)),
            cell(price(p.lastPrice)),
            h('td', {
              key: 'pnl',
              text: money(p.unrealisedPnl),
              className: signClass(p.unrealisedPnl) || null,
            }),
            cell(price(p.currentStop)),
            cell(p.trailing ? 'moved from ' + price(p.initialStop) : 'not yet'),
            h('td', { key: 'exit' }, [
              h('button', {
                className: 'exit',
                type: 'button',
                'data-action': 'exit',
                disabled: !canAct,
                title: canAct ? 'Close at the market now' : why,
                text: 'Exit',
              }),
            ]),
          ],
        );
      }),
    );
  }

  function exitPosition(variant, symbol) {
    var what = variant + ' ' + symbol;
    if (!window.confirm('Close ' + what + ' at the market now?')) return;
    api(
      '/api/variants/' + encodeURIComponent(variant) + '/positions/' + encodeURIComponent(symbol) + '/exit',
      {
        method: 'POST',
        headers: { Authorization: 'Bearer ' + token(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 'closed from the dashboard' }),
      },
    ).then(
      function () {
        return refresh().catch(refreshFailed);
      },
      function (error) {
        showError('Exit ' + what + ': ' + error.message);
      },
    );
  }

  function tradesQuery() {
    return (
      '/api/trades?variant=' +
      encodeURIComponent(trades.variant) +
      '&sort=' +
      trades.sort +
      '&order=' +
      trades.order +
      '&limit=' +
      TRADES_PAGE +
      '&offset=' +
      trades.offset
    );
  }

  function tradesVariants(names) {
    if (trades.variant === null || names.indexOf(trades.variant) < 0) trades.variant = names[0] || null;
    var select = $('trades-variant');
    patch(
      select,
      names.map(function (v) {
        return h('option', { key: v, value: v, text: v });
      }),
    );
    if (select.value !== (trades.variant || '')) select.value = trades.variant || '';
  }

  function closedTrades(body) {
    trades.total = body.total;
    var last = Math.min(body.total, trades.offset + body.trades.length);
    setText(
      $('trades-range'),
      body.total === 0 ? 'no closed trades' : trades.offset + 1 + '–' + last + ' of ' + body.total,
    );
    $('trades-prev').disabled = trades.offset === 0;
    $('trades-next').disabled = last >= body.total;
    patch($('trades'), [
      h('thead', { key: 'head' }, [
        h(
          'tr',
          {},
          TRADE_COLUMNS.map(function (c, i) {
            var sorted = trades.sort === c[0];
            return h(
              'th',
              {
                key: c[0],
                className: i === 0 ? 'text' : null,
                'aria-sort': sorted ? (trades.order === 'asc' ? 'ascending' : 'descending') : null,
              },
              [h('button', { className: 'sort', type: 'button', 'data-sort': c[0], text: c[1] })],
            );
          }),
        ),
      ]),
      h(
        'tbody',
        { key: 'body' },
        body.trades.map(function (t) {
          return h('tr', { key: t.id, 'data-trade': t.id, 'data-pnl': String(t.pnl) }, [
            cell(t.exitTime.replace('T', ' ').slice(0, 16), 'text'),
            cell(t.symbol, 'text'),
            cell(t.side, 'text'),
            cell(t.entryTime.replace('T', ' ').slice(0, 16)),
            cell(price(t.entryPrice)),
            cell(price(t.exitPrice)),
            cell(price(t.qty)),
            cell(t.exitReason + (t.exitTag ? ' (' + t.exitTag + ')' : ''), 'text'),
            cell(money(t.fees)),
            h('td', { key: 'pnl', text: money(t.pnl), className: signClass(t.pnl) || null }),
            cell(String(t.barsHeld)),
          ]);
        }),
      ),
    ]);
  }

  function loadTrades() {
    if (trades.variant === null) return Promise.resolve();
    var asked = tradesQuery();
    return api(asked).then(function (body) {
      // An answer to a question since changed (another page, sort or variant) is dropped.
      if (asked === tradesQuery()) closedTrades(body);
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
      api('/api/positions'),
    ]).then(function (r) {
      var status = r[0];
      mutationsEnabled = status.mutationsEnabled;
      variantNames = status.variants;
      $('token-box').hidden = !mutationsEnabled;
      setText($('bot-time'), 'bot time ' + time(status.now) + ' UTC');
      pipeline(status);
      report(r[2], r[1]);
      heartbeats(r[3]);
      compliance(r[4]);
      intents(r[5]);
      locks(r[6]);
      positions(r[7]);
      tradesVariants(status.variants);
      symbols(status.symbols);
      markerFilter();
      return Promise.all([candles(), loadTrades()]);
    });
  }

  function loop() {
    refresh()
      .then(function () {
        refreshes += 1;
        // The browser's time: when this page last heard from the server.
        setText($('refresh'), 'updated ' + new Date().toLocaleTimeString());
        document.body.setAttribute('data-loaded', 'true');
        document.body.setAttribute('data-refreshes', String(refreshes));
      })
      .catch(refreshFailed)
      .then(function () {
        setTimeout(loop, REFRESH_MS);
      });
  }

  $('token').value = window.sessionStorage.getItem(TOKEN_KEY) || '';
  $('token').addEventListener('input', function () {
    window.sessionStorage.setItem(TOKEN_KEY, token());
    refresh().catch(refreshFailed);
  });
  // Delegated, so a card updated in place keeps working buttons without listeners added per refresh.
  $('variants').addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (!button || button.disabled) return;
    act(button.closest('[data-variant]').getAttribute('data-variant'), button.getAttribute('data-action'));
  });
  $('positions').addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action="exit"]');
    if (!button || button.disabled) return;
    var row = button.closest('tr');
    exitPosition(row.getAttribute('data-variant'), row.getAttribute('data-symbol'));
  });
  $('trades').addEventListener('click', function (event) {
    var button = event.target.closest('button[data-sort]');
    if (!button) return;
    var key = button.getAttribute('data-sort');
    if (trades.sort === key) trades.order = trades.order === 'asc' ? 'desc' : 'asc';
    else {
      trades.sort = key;
      trades.order = 'desc';
    }
    trades.offset = 0;
    loadTrades().catch(refreshFailed);
  });
  $('trades-variant').addEventListener('change', function (event) {
    trades.variant = event.target.value;
    trades.offset = 0;
    loadTrades().catch(refreshFailed);
  });
  $('trades-prev').addEventListener('click', function () {
    trades.offset = Math.max(0, trades.offset - TRADES_PAGE);
    loadTrades().catch(refreshFailed);
  });
  $('trades-next').addEventListener('click', function () {
    if (trades.offset + TRADES_PAGE < trades.total) trades.offset += TRADES_PAGE;
    loadTrades().catch(refreshFailed);
  });
  $('errors').addEventListener('click', function (event) {
    var button = event.target.closest('button.dismiss');
    if (!button) return;
    var message = button.parentNode.getAttribute('data-error');
    errors = errors.filter(function (e) {
      return e.message !== message;
    });
    drawErrors();
  });
  $('symbol').addEventListener('change', function (event) {
    candleSymbol = event.target.value;
    candles().catch(refreshFailed);
  });
  $('marker-variants').addEventListener('change', function (event) {
    hiddenMarkers[event.target.value] = !event.target.checked;
    if (!charts.candles) return;
    charts.candles.chart.show(shownVariants());
    candleNote();
  });
  loop();
})();
