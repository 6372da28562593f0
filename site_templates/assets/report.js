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
  document.documentElement.classList.remove('no-js');

  var cj = window.carejourneys = window.carejourneys || {};
  var pending = [];
  cj.players = cj.players || [];
  cj.whenDrawn = function (promise) { pending.push(promise); return promise; };

  function drawChart(node) {
    var target = document.getElementById(node.getAttribute('data-chart'));
    var spec = JSON.parse(node.textContent);
    if (typeof window.vegaEmbed !== 'function') {
      return Promise.reject(new Error('invalid vega bundle: vegaEmbed is not loaded'));
    }
    return window.vegaEmbed(target, spec, { actions: false, renderer: 'svg' }).then(function (result) {
      target.setAttribute('data-drawn', 'true');
      return result;
    });
  }

  var chartsDrawn = new Promise(function (resolve) {
    document.addEventListener('DOMContentLoaded', resolve);
  }).then(function () {
    var nodes = document.querySelectorAll('script[type="application/json"][data-chart]');
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
