// Sigil's charts, shared by the backtest HTML report and the dashboard so both draw the same thing from
// the same data (src/charts/chart-data.ts shapes it): the time series on lightweight-charts
// (window.LightweightCharts, the standalone build), the exit breakdown by category as plain SVG. Plain
// browser JavaScript, no build step: each function takes an element and data, draws, and returns
// { update(data) } for the dashboard's live refresh.
(function (root) {
  'use strict';
  var LC = root.LightweightCharts;
  var BASE = {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#343a40', fontSize: 12 },
    grid: { vertLines: { color: '#f1f3f5' }, horzLines: { color: '#f1f3f5' } },
    rightPriceScale: { borderVisible: false },
  };

  function options(extra) {
    var result = {};
    var key;
    for (key in BASE) result[key] = BASE[key];
    for (key in extra) result[key] = extra[key];
    return result;
  }

  /** One series per variant, kept by name so an update sets data instead of stacking new lines. */
  function seriesByVariant(chart, kind, style) {
    var byVariant = {};
    return function set(list) {
      list.forEach(function (v) {
        var series = byVariant[v.variant];
        if (!series) {
          var seriesOptions = style(v);
          series = byVariant[v.variant] = chart.addSeries(kind, seriesOptions);
        }
        series.setData(v.points);
      });
    };
  }

  /** Realised equity per variant, in steps: it changes only when a trade closes (a `dashed` line: plain). */
  function equityChart(element, equity) {
    var chart = LC.createChart(
      element,
      options({ timeScale: { timeVisible: true, secondsVisible: false, borderVisible: false } }),
    );
    var set = seriesByVariant(chart, LC.LineSeries, function (v) {
      // A dashed series (the backtest report's buy and hold) moves with every bar: no steps.
      if (v.dashed) {
        return {
          color: v.color,
          lineWidth: 1,
          lineStyle: LC.LineStyle.Dashed,
          title: v.variant,
          priceLineVisible: false,
        };
      }
      return {
        color: v.color,
        lineWidth: 2,
        lineType: LC.LineType.WithSteps,
        title: v.variant,
        priceLineVisible: false,
      };
    });
    set(equity);
    chart.timeScale().fitContent();
    return {
      update: function (next) {
        set(next);
      },
    };
  }

  // ---- The exit chart: plain SVG, since its axis is categories, not time ----

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var FONT_PX = 12;
  // The width of one character of the 12 px UI font, for layout before anything is drawn; a little more
  // than the average, so a label that fits by this estimate fits on the screen.
  var CHAR_PX = 7;
  var AXIS_COLOR = '#adb5bd';
  var GRID_COLOR = '#f1f3f5';
  var TEXT_COLOR = '#343a40';

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Formatted by hand, not toLocaleString: the report file must not depend on the host's ICU data. */
  function signed(value, decimals) {
    var text = Math.abs(value).toFixed(decimals);
    return (value < 0 && Number(text) !== 0 ? '\u2212' : '') + text;
  }

  /** Round steps (1, 2, 2.5 or 5 times a power of ten) spanning [low, high], zero always among them. */
  function ticks(low, high) {
    var raw = (high - low) / 5;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var multiple = [1, 2, 2.5, 5, 10].filter(function (m) {
      return m * power >= raw;
    })[0];
    var step = multiple * power;
    // 2.5 needs one decimal more than its power of ten.
    var decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (multiple === 2.5 ? 1 : 0));
    var list = [];
    // Whole multiples of the step, so zero is exactly 0 and not the sum of a few float steps.
    for (var i = Math.floor(low / step); i <= Math.ceil(high / step) && list.length <= 20; i++) {
      list.push({ value: i * step, label: signed(i * step, decimals) });
    }
    return list;
  }

  /**
   * Total P&L per exit reason as grouped bars: one group per reason, its label shown once under it, one
   * bar per variant in the variant's colour; a bar's <title> is its tooltip. exits = { reasons, series:
   * [{ variant, color, totals, counts }] } (chart-data.ts). Redrawn when the data or the element's width
   * changes, never on an unchanged refresh.
   */
  function exitChart(element, exits) {
    var current = exits;
    var drawn = '';
    var chart = svg('svg', {
      class: 'exit-bars',
      role: 'img',
      'aria-label': 'Total P&L per exit reason',
      style: 'display:block',
    });
    element.appendChild(chart);

    function draw() {
      var width = Math.max(240, Math.floor(element.clientWidth || 600));
      var height = Math.max(160, Math.floor(element.clientHeight || 320));
      var key = width + 'x' + height + ' ' + JSON.stringify(current);
      if (key === drawn) return;
      drawn = key;
      while (chart.firstChild) chart.removeChild(chart.firstChild);
      chart.setAttribute('width', width);
      chart.setAttribute('height', height);
      chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
      var reasons = current.reasons;
      var series = current.series;
      if (reasons.length === 0 || series.length === 0) {
        chart.appendChild(
          svg('text', { x: 8, y: 20, fill: '#868e96', 'font-size': FONT_PX }, 'No closed trades.'),
        );
        return;
      }
      var low = 0;
      var high = 0;
      series.forEach(function (s) {
        s.totals.forEach(function (v) {
          if (v !== null) {
            low = Math.min(low, v);
            high = Math.max(high, v);
          }
        });
      });
      if (low === high) high = 1;
      var yTicks = ticks(low, high);
      low = Math.min(low, yTicks[0].value);
      high = Math.max(high, yTicks[yTicks.length - 1].value);
      var left =
        8 +
        CHAR_PX *
          Math.max.apply(
            null,
            yTicks.map(function (t) {
              return t.label.length;
            }),
          );
      var right = 8;
      var group = (width - left - right) / reasons.length;
      var longest = Math.max.apply(
        null,
        reasons.map(function (r) {
          return r.length * CHAR_PX;
        }),
      );
      // Labels wider than their group are turned, so the reasons of a narrow (phone) chart never overlap;
      // a turned first label reaches left of its group, and the plot moves right to keep it on screen.
      var turned = longest > group - 6;
      if (turned) {
        var reach = reasons[0].length * CHAR_PX * 0.766 + 4;
        left = Math.max(left, Math.ceil(reach - group / 2));
        group = (width - left - right) / reasons.length;
      }
      var bottom = turned ? Math.ceil(longest * 0.643 + FONT_PX + 10) : FONT_PX + 14;
      var top = 8;
      var plotHeight = Math.max(40, height - top - bottom);
      var y = function (value) {
        return top + ((high - value) / (high - low)) * plotHeight;
      };

      var axis = svg('g', { class: 'y-axis', 'font-size': FONT_PX, fill: TEXT_COLOR, 'text-anchor': 'end' });
      yTicks.forEach(function (t) {
        var at = y(t.value);
        axis.appendChild(
          svg('line', {
            x1: left,
            x2: width - right,
            y1: at,
            y2: at,
            stroke: t.value === 0 ? AXIS_COLOR : GRID_COLOR,
          }),
        );
        axis.appendChild(svg('text', { x: left - 6, y: at + 4 }, t.label));
      });
      chart.appendChild(axis);

      // Bars fill most of their group, up to a width that still reads as a bar on a wide screen.
      var barWidth = Math.min(48, Math.max(2, (group * 0.8) / series.length));
      var bars = svg('g', { class: 'bars' });
      var labels = svg('g', { class: 'x-axis', 'font-size': FONT_PX, fill: TEXT_COLOR });
      reasons.forEach(function (reason, ri) {
        var start = left + ri * group + (group - barWidth * series.length) / 2;
        series.forEach(function (s, si) {
          var total = s.totals[ri];
          if (total === null || total === undefined) return;
          var top0 = y(Math.max(0, total));
          var rect = svg('rect', {
            x: start + si * barWidth,
            y: top0,
            width: Math.max(1, barWidth - 1),
            height: Math.max(1, y(Math.min(0, total)) - top0),
            fill: s.color,
            'data-variant': s.variant,
            'data-reason': reason,
          });
          var count = s.counts[ri];
          rect.appendChild(
            svg(
              'title',
              {},
              reason +
                ' \u00b7 ' +
                s.variant +
                ': ' +
                signed(total, 2) +
                ' over ' +
                count +
                (count === 1 ? ' trade' : ' trades'),
            ),
          );
          bars.appendChild(rect);
        });
        var x = left + (ri + 0.5) * group;
        var labelY = top + plotHeight + FONT_PX + 4;
        labels.appendChild(
          svg(
            'text',
            turned
              ? {
                  class: 'reason',
                  x: x,
                  y: labelY,
                  'text-anchor': 'end',
                  transform: 'rotate(-40 ' + x + ' ' + labelY + ')',
                }
              : { class: 'reason', x: x, y: labelY, 'text-anchor': 'middle' },
            reason,
          ),
        );
      });
      chart.appendChild(bars);
      chart.appendChild(labels);
    }

    draw();
    // The dashboard's page reflows (a phone turned, a window resized); the report's too.
    if (typeof root.ResizeObserver === 'function') new root.ResizeObserver(draw).observe(element);
    return {
      update: function (next) {
        current = next;
        draw();
      },
    };
  }

  // ---- The candle chart ----

  var MIXED_COLOR = '#495057';
  var WIN_COLOR = '#2b8a3e';
  var LOSS_COLOR = '#c92a2a';

  /**
   * The markers of the variants shown, one per bar and kind (entries below or above, exits): four
   * variants that enter on the same signal get one arrow, not four labels piled up. An entry is drawn in
   * its variant's colour (grey when several share it) and carries no text, the count aside; an exit
   * carries the P&L of its trades. The hover line (candleChart's onHover) names every trade behind a
   * marker. markers: the API's, { time, position, variant, kind, pnl, text, color, shape }.
   */
  function declutter(markers, shown, colorOf) {
    var groups = [];
    var byKey = {};
    markers.forEach(function (m) {
      if (shown && m.variant !== undefined && shown.indexOf(m.variant) < 0) return;
      var key = m.time + ' ' + m.kind + ' ' + m.position;
      var group = byKey[key];
      if (!group) {
        group = byKey[key] = { first: m, variants: [], count: 0, pnl: 0 };
        groups.push(group);
      }
      if (group.variants.indexOf(m.variant) < 0) group.variants.push(m.variant);
      group.count += 1;
      group.pnl += m.pnl || 0;
    });
    return groups.map(function (g) {
      var m = g.first;
      var several = g.count > 1 ? ' (' + g.count + ')' : '';
      if (m.kind === 'exit') {
        return {
          time: m.time,
          position: m.position,
          shape: 'circle',
          color: g.pnl >= 0 ? WIN_COLOR : LOSS_COLOR,
          text: (g.pnl >= 0 ? '+' : '\u2212') + Math.abs(g.pnl).toFixed(2) + several,
        };
      }
      var one = g.variants.length === 1 && colorOf ? colorOf(g.variants[0]) : undefined;
      return {
        time: m.time,
        position: m.position,
        shape: m.shape,
        color: one || (g.variants.length === 1 ? m.color : MIXED_COLOR),
        text: g.count > 1 ? g.count + '\u00d7' : '',
      };
    });
  }

  /**
   * A symbol's candles with the trades on them: entries and exits as markers (decluttered, of the
   * variants shown), the stops of open positions as dashed price lines. data = { candles, markers,
   * stops: [{ price, title, variant }] }; hooks = { colorOf(variant), onHover(lines, time) } —
   * onHover gets the trades at the bar under the pointer (an empty list off the markers).
   */
  function candleChart(element, data, hooks) {
    var settings = hooks || {};
    var chart = LC.createChart(
      element,
      options({ timeScale: { timeVisible: true, secondsVisible: false, borderVisible: false } }),
    );
    var candles = chart.addSeries(LC.CandlestickSeries, {
      upColor: '#2b8a3e',
      downColor: '#c92a2a',
      borderVisible: false,
      wickUpColor: '#2b8a3e',
      wickDownColor: '#c92a2a',
    });
    var markers = LC.createSeriesMarkers(candles, []);
    var stopLines = [];
    var current = data;
    var shown = null;
    var drawnMarkers = '';
    var drawnCount = 0;
    var drawnStops = '';

    function visible(list) {
      return list.filter(function (item) {
        return !shown || item.variant === undefined || shown.indexOf(item.variant) >= 0;
      });
    }

    function drawMarkers() {
      var next = declutter(current.markers, shown, settings.colorOf);
      var key = JSON.stringify(next);
      if (key !== drawnMarkers) markers.setMarkers(next);
      drawnMarkers = key;
      drawnCount = next.length;
      var stops = visible(current.stops);
      var stopsKey = JSON.stringify(stops);
      if (stopsKey === drawnStops) return;
      drawnStops = stopsKey;
      stopLines.forEach(function (line) {
        candles.removePriceLine(line);
      });
      stopLines = stops.map(function (stop) {
        return candles.createPriceLine({
          price: stop.price,
          color: '#c92a2a',
          lineWidth: 1,
          lineStyle: LC.LineStyle.Dashed,
          axisLabelVisible: true,
          title: stop.title,
        });
      });
    }

    function set(next, fit) {
      current = next;
      candles.setData(next.candles);
      drawMarkers();
      if (fit) chart.timeScale().fitContent();
    }

    chart.subscribeCrosshairMove(function (param) {
      if (!settings.onHover) return;
      var at = param && param.time;
      settings.onHover(
        at === undefined
          ? []
          : visible(current.markers)
              .filter(function (m) {
                return m.time === at;
              })
              .map(function (m) {
                return m.text;
              }),
        at,
      );
    });

    set(data, true);
    return {
      update: function (next, fit) {
        set(next, fit === true);
      },
      /** Only these variants' markers and stops; null shows every variant's. */
      show: function (variants) {
        shown = variants;
        drawMarkers();
      },
      /** What is drawn: the trades' entries and exits shown, the markers they make, the stops. */
      counts: function () {
        return {
          events: visible(current.markers).length,
          markers: drawnCount,
          stops: visible(current.stops).length,
        };
      },
    };
  }

  root.SigilCharts = {
    equityChart: equityChart,
    exitChart: exitChart,
    candleChart: candleChart,
    declutter: declutter,
  };
})(window);
