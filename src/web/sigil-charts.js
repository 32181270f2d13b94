// Sigil's charts on lightweight-charts (window.LightweightCharts, the standalone build), shared by the
// backtest HTML report and the dashboard so both draw the same thing from the same data
// (src/charts/chart-data.ts shapes it). Plain browser JavaScript, no build step: each function takes an
// element and data, draws, and returns { update(data) } for the dashboard's live refresh.
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

  /** Realised equity per variant: steps, since it changes only when a trade closes. */
  function equityChart(element, equity) {
    var chart = LC.createChart(
      element,
      options({ timeScale: { timeVisible: true, secondsVisible: false, borderVisible: false } }),
    );
    var set = seriesByVariant(chart, LC.LineSeries, function (v) {
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

  /**
   * Total P&L per exit reason. lightweight-charts only knows a time axis, so the bars stand on category
   * slots (chart-data.ts) labelled back with the reason they stand for.
   */
  function exitChart(element, exits) {
    var current = exits;
    var chart = LC.createChart(
      element,
      options({
        timeScale: {
          borderVisible: false,
          tickMarkFormatter: function (time) {
            return current.labels[time] || '';
          },
        },
        localization: {
          timeFormatter: function (time) {
            return current.tooltips[time] || '';
          },
        },
        handleScroll: false,
        handleScale: false,
      }),
    );
    var set = seriesByVariant(chart, LC.HistogramSeries, function (v) {
      return { color: v.color, title: v.variant, priceLineVisible: false, lastValueVisible: false };
    });
    set(exits.series);
    chart.timeScale().fitContent();
    return {
      update: function (next) {
        current = next;
        set(next.series);
      },
    };
  }

  /**
   * A symbol's candles with the trades on them: entries and exits as markers, the stops of open
   * positions as dashed price lines. data = { candles, markers, stops: [{ price, title }] }.
   */
  function candleChart(element, data) {
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
    function set(next, fit) {
      candles.setData(next.candles);
      markers.setMarkers(next.markers);
      stopLines.forEach(function (line) {
        candles.removePriceLine(line);
      });
      stopLines = next.stops.map(function (stop) {
        return candles.createPriceLine({
          price: stop.price,
          color: '#c92a2a',
          lineWidth: 1,
          lineStyle: LC.LineStyle.Dashed,
          axisLabelVisible: true,
          title: stop.title,
        });
      });
      if (fit) chart.timeScale().fitContent();
    }
    set(data, true);
    return {
      update: function (next, fit) {
        set(next, fit === true);
      },
    };
  }

  root.SigilCharts = { equityChart: equityChart, exitChart: exitChart, candleChart: candleChart };
})(window);
