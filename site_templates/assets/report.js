/* carejourneys report.js: draws every chart on the page and exposes window.carejourneys.
 *
 * window.carejourneys.ready resolves when every chart and every registered player has drawn.
 * Players (player.js) push themselves onto window.carejourneys.players and register their
 * first-frame promise with whenDrawn(promise) before the window's load event.
 * Plain ES2019 in an IIFE: no modules, no fetch, so it runs from file://.
 */
(function () {
  'use strict';

  // Scripts run: the live charts replace the static SVG copies (kept for print and no-JS).
  // The print document (print.html) keeps its static charts: nothing to draw there.
  var staticOnly = document.documentElement.classList.contains('print-document');
  if (!staticOnly) { document.documentElement.classList.remove('no-js'); }

  // The navigation menu stays open on wide screens (a button on narrow ones, see report.css).
  var menu = document.querySelector('.site-menu');
  if (menu && window.matchMedia && !window.matchMedia('(max-width: 48rem)').matches) { menu.open = true; }

  var cj = window.carejourneys = window.carejourneys || {};
  var pending = [];
  cj.players = cj.players || [];
  cj.whenDrawn = function (promise) { pending.push(promise); return promise; };

  // Charts follow the reader's colour scheme; the static SVG copies (print) stay light. The
  // colours come from generator/charts/theme.py: a Vega config per scheme, and for dark the
  // twin of each colour a chart names itself (text ink, greys, the darker palette entries).
  var schemes = null;
  function chartSchemes() {
    if (schemes === null) {
      var node = document.getElementById('carejourneys-chart-schemes');
      schemes = node ? JSON.parse(node.textContent) : { light: { config: {}, colours: {} }, dark: { config: {}, colours: {} } };
    }
    return schemes;
  }
  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function schemeName() { return darkQuery && darkQuery.matches ? 'dark' : 'light'; }

  // Swap the scheme's colours into a copy of the spec: every string that is exactly a
  // light colour, except in the data (a value there is data, never paint).
  function recolour(value, colours) {
    if (typeof value === 'string') {
      var twin = colours[value.toLowerCase()];
      return twin || value;
    }
    if (Array.isArray(value)) { return value.map(function (v) { return recolour(v, colours); }); }
    if (value && typeof value === 'object') {
      var out = {};
      Object.keys(value).forEach(function (key) {
        out[key] = (key === 'data' || key === 'datasets' || key === 'values') ? value[key] : recolour(value[key], colours);
      });
      return out;
    }
    return value;
  }

  // On a narrow screen a legend beside the plot took half its width (the court page's years
  // ran together at 375 px) and a legend in one row above it ran off the edge: below the
  // plot and one entry a line instead, wherever the chart does not place its legend itself.
  var NARROW = 560;
  function configFor(target, config) {
    if (!target.clientWidth || target.clientWidth >= NARROW) { return config; }
    var legend = Object.assign({}, config.legend || {}, { orient: 'bottom', direction: 'vertical', columns: 1 });
    return Object.assign({}, config, { legend: legend });
  }

  var views = {};
  function drawChart(node) {
    var id = node.getAttribute('data-chart');
    var target = document.getElementById(id);
    var scheme = chartSchemes()[schemeName()];
    var spec = recolour(JSON.parse(node.textContent), scheme.colours);
    if (typeof window.vegaEmbed !== 'function') {
      return Promise.reject(new Error('invalid vega bundle: vegaEmbed is not loaded'));
    }
    if (views[id]) { views[id].finalize(); delete views[id]; }
    return window.vegaEmbed(target, spec, { actions: false, renderer: 'svg', config: configFor(target, scheme.config) }).then(function (result) {
      views[id] = result;
      target.setAttribute('data-drawn', 'true');
      target.setAttribute('data-scheme', schemeName());
      return result;
    });
  }
  function chartNodes() {
    return staticOnly ? [] : document.querySelectorAll('script[type="application/json"][data-chart]');
  }
  // The reader switches between light and dark: draw every chart again in the new scheme.
  if (darkQuery && !staticOnly) {
    var redraw = function () { Array.prototype.forEach.call(chartNodes(), drawChart); };
    if (darkQuery.addEventListener) { darkQuery.addEventListener('change', redraw); } else if (darkQuery.addListener) { darkQuery.addListener(redraw); }
  }

  var chartsDrawn = new Promise(function (resolve) {
    document.addEventListener('DOMContentLoaded', resolve);
  }).then(function () {
    return Promise.all(Array.prototype.map.call(chartNodes(), drawChart));
  });

  cj.ready = new Promise(function (resolve) {
    if (document.readyState === 'complete') { resolve(); } else { window.addEventListener('load', resolve); }
  }).then(function () {
    return Promise.all([chartsDrawn].concat(pending));
  }).then(function () {
    document.documentElement.setAttribute('data-ready', 'true');
    return true;
  });
  cj.ready.catch(function (error) { console.error('carejourneys: ' + error.message); });
})();
