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
  // A time axis's last label, centred on its tick near the plot's right edge, ran 3 to 8 px off
  // the chart ("Jan 2018" at 375 px): the plot keeps that much room to its right.
  var NARROW = 560;
  function narrow(target) { return target.clientWidth && target.clientWidth < NARROW; }
  function configFor(target, config) {
    if (!narrow(target)) { return config; }
    // An x-axis title ends where the plot does and runs leftwards under the row labels: centred
    // under a plot that long row labels had pushed halfway across, it ran off the right edge.
    var legend = Object.assign({}, config.legend || {}, { orient: 'bottom', direction: 'vertical', columns: 1 });
    var axisX = Object.assign({}, config.axisX || {}, { titleAnchor: 'end', titleAlign: 'right' });
    return Object.assign({}, config, { legend: legend, axisX: axisX, padding: { left: 5, top: 5, right: 24, bottom: 5 } });
  }

  // On a narrow screen an axis or legend title longer than the chart is wide ran off its edge
  // (a third of "Section 47 enquiries that ended without a child protection plan (%)" at
  // 375 px): such a title is broken into lines between words. Titles are 11 px bold, at most
  // about 8 px a character.
  var WRAPPED = { x: 1, color: 1, fill: 1, stroke: 1, shape: 1, size: 1, opacity: 1, strokeDash: 1 };
  function lines(text, most) {
    if (typeof text !== 'string' || text.length <= most) { return text; }
    var out = [''];
    text.split(' ').forEach(function (word) {
      var last = out[out.length - 1];
      if (last && (last + ' ' + word).length > most) { out.push(word); } else { out[out.length - 1] = last ? last + ' ' + word : word; }
    });
    return out;
  }
  // A Vega expression: the label in two lines at the last space before its middle (or its
  // first space) when longer than `most` characters.
  function inTwo(most) {
    var half = "substring(datum.label, 0, ceil(length(datum.label) / 2) + 1)";
    var at = '(lastindexof(' + half + ", ' ') > 0 ? lastindexof(" + half + ", ' ') : indexof(datum.label, ' '))";
    return 'length(datum.label) > ' + most + " && indexof(datum.label, ' ') > 0 ? [substring(datum.label, 0, " + at +
      '), substring(datum.label, ' + at + ' + 1)] : datum.label';
  }
  // Whether the chart names its rows beside the plot (a nominal y axis), so that the plot, and a
  // legend above or below it, starts well across.
  function hasRowLabels(value) {
    if (Array.isArray(value)) { return value.some(hasRowLabels); }
    if (!value || typeof value !== 'object') { return false; }
    var y = value.y;
    if (y && typeof y === 'object' && (y.type === 'nominal' || y.type === 'ordinal') && y.axis !== null) { return true; }
    return Object.keys(value).some(function (key) { return key !== 'data' && key !== 'datasets' && hasRowLabels(value[key]); });
  }
  function wrapTitles(value, most, rows) {
    if (Array.isArray(value)) { value.forEach(function (v) { wrapTitles(v, most, rows); }); return value; }
    if (!value || typeof value !== 'object') { return value; }
    Object.keys(value).forEach(function (key) {
      if (key === 'data' || key === 'datasets' || key === 'values') { return; }
      var item = value[key];
      if (WRAPPED[key] && item && typeof item === 'object' && !Array.isArray(item)) {
        // A legend starts where the plot does, often halfway across: its title gets 60 %, and
        // beside row labels a legend label longer than a third is broken in two (legend labels
        // are 10 px, titles 11).
        var room = key === 'x' ? most : Math.floor(0.6 * most);
        item.title = lines(item.title, room);
        ['axis', 'legend'].forEach(function (part) { if (item[part]) { item[part].title = lines(item[part].title, room); } });
        if (rows && key !== 'x' && item.legend !== null && !(item.legend && item.legend.labelExpr)) {
          item.legend = Object.assign({}, item.legend || {}, { labelExpr: inTwo(Math.floor(most / 3)) });
        }
      }
      // Row labels beside a plot took up to 70 % of a phone's width (the twins' junctions left
      // a plot 55 px wide): one longer than about half the width is broken in two. (Not sooner:
      // two lines of a label run into the next row where rows are close, as ethnic groups are.)
      if (key === 'y' && item && (item.type === 'nominal' || item.type === 'ordinal') && item.axis !== null &&
          !(item.axis && item.axis.labelExpr)) {
        item.axis = Object.assign({}, item.axis || {}, { labelExpr: inTwo(Math.floor(0.8 * most)) });
      }
      wrapTitles(item, most, rows);
    });
    return value;
  }

  var views = {};
  function drawChart(node) {
    var id = node.getAttribute('data-chart');
    var target = document.getElementById(id);
    var scheme = chartSchemes()[schemeName()];
    var spec = recolour(JSON.parse(node.textContent), scheme.colours);
    if (narrow(target)) { wrapTitles(spec, Math.floor((target.clientWidth - 40) / 8), hasRowLabels(spec)); }
    if (typeof window.vegaEmbed !== 'function') {
      return Promise.reject(new Error('invalid vega bundle: vegaEmbed is not loaded'));
    }
    if (views[id]) { views[id].finalize(); delete views[id]; }
    var options = { actions: false, renderer: 'svg', config: configFor(target, scheme.config) };
    return window.vegaEmbed(target, spec, options).then(function (result) {
      views[id] = result;
      // A chart wider than a phone scrolls in its box; one whose news is at its right end (a
      // forecast's months ahead) opens scrolled there.
      var box = target.closest('.chart-scroll');
      if (box && spec.usermeta && spec.usermeta.scroll_to === 'end') { box.scrollLeft = box.scrollWidth; }
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
