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

  var cj = window.carejourneys = window.carejourneys || {};
  var pending = [];
  cj.players = cj.players || [];
  cj.whenDrawn = function (promise) { pending.push(promise); return promise; };

  // Charts follow the reader's colour scheme; the static SVG copies (print) stay light.
  var DARK = {
    background: null,
    axis: { labelColor: '#f3f2f1', titleColor: '#f3f2f1', gridColor: '#3b3f41', domainColor: '#b1b4b6', tickColor: '#b1b4b6' },
    legend: { labelColor: '#f3f2f1', titleColor: '#f3f2f1' },
    title: { color: '#f3f2f1' },
    text: { color: '#f3f2f1' },
    rule: { color: '#b1b4b6' },
    view: { stroke: '#6f777b' }
  };
  var LIGHT = { rule: { color: '#505a5f' }, text: { color: '#0b0c0c' } };
  function schemeConfig() {
    var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    return dark ? DARK : LIGHT;
  }

  function drawChart(node) {
    var target = document.getElementById(node.getAttribute('data-chart'));
    var spec = JSON.parse(node.textContent);
    if (typeof window.vegaEmbed !== 'function') {
      return Promise.reject(new Error('invalid vega bundle: vegaEmbed is not loaded'));
    }
    return window.vegaEmbed(target, spec, { actions: false, renderer: 'svg', config: schemeConfig() }).then(function (result) {
      target.setAttribute('data-drawn', 'true');
      return result;
    });
  }

  var chartsDrawn = new Promise(function (resolve) {
    document.addEventListener('DOMContentLoaded', resolve);
  }).then(function () {
    var nodes = staticOnly ? [] : document.querySelectorAll('script[type="application/json"][data-chart]');
    return Promise.all(Array.prototype.map.call(nodes, drawChart));
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
