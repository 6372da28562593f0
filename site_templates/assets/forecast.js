/* What-if sliders of the forecast page: redraw the forecast under a scenario, offline.
 * The build computed each lever's effect on the expected children at every station and month
 * (generator/analyses/forecast_scenarios.py) and embedded them with the baseline forecast; this
 * adds the effects of the levers as set to the baseline and redraws. At every lever's neutral
 * value the effects are exactly 0, so the page shows the baseline itself. No server, no
 * library: plain ES2019, one closure per what-if section. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 640, H = 220, PAD = {left: 48, right: 12, top: 12, bottom: 28};

  function format(lever, value) {
    if (lever.unit === "factor") return "\u00d7" + value.toFixed(2);
    var pct = Math.round(value * 100);
    return ((lever.key === "growth" || lever.key === "s20_entries") && pct > 0 ? "+" : "") + pct + "%";
  }

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function init(root) {
    var data = JSON.parse(root.querySelector("[data-whatif-data]").textContent);
    var sliders = Array.prototype.slice.call(root.querySelectorAll("input[data-lever]"));
    var select = root.querySelector("[data-whatif-station]");
    var summary = root.querySelector("[data-whatif-summary]");
    var svg = root.querySelector("[data-whatif-chart]");
    var levers = {};
    data.levers.forEach(function (lever) { levers[lever.key] = lever; });

    /** The scenario: expected children (months x stations) with the levers as set. */
    function scenario() {
      var out = data.expected.map(function (row) { return row.slice(); });
      sliders.forEach(function (slider) {
        var lever = levers[slider.dataset.lever];
        var effect = lever.effect[Number(slider.value)];
        for (var m = 0; m < out.length; m++) {
          for (var s = 0; s < out[m].length; s++) {
            if (out[m][s] !== null && effect[m][s] !== null) out[m][s] += effect[m][s];
          }
        }
      });
      return out.map(function (row) {
        return row.map(function (v) { return v === null ? null : Math.max(0, Math.round(v * 10) / 10); });
      });
    }

    function draw() {
      var started = performance.now();
      var station = data.stations.indexOf(select.value);
      var now = scenario();
      sliders.forEach(function (slider) {
        var lever = levers[slider.dataset.lever];
        root.querySelector('[data-lever-value="' + lever.key + '"]').textContent = format(lever, lever.values[Number(slider.value)]);
      });
      var column = function (grid) { return grid.map(function (row) { return row[station]; }); };
      var base = column(data.expected), lo = column(data.low95), hi = column(data.high95), line = column(now);
      var shift = line.map(function (v, i) { return v === null || base[i] === null ? null : v - base[i]; });
      var top = 0;
      [hi, line, base].forEach(function (series) {
        series.forEach(function (v, i) { if (v !== null) top = Math.max(top, v + (series === hi ? Math.max(0, shift[i] || 0) : 0)); });
      });
      top = top > 0 ? top * 1.1 : 1;
      var n = data.months.length;
      var x = function (i) { return PAD.left + (W - PAD.left - PAD.right) * (n > 1 ? i / (n - 1) : 0.5); };
      var y = function (v) { return PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / top); };
      var path = function (series) {
        var d = "";
        series.forEach(function (v, i) { if (v !== null) d += (d ? "L" : "M") + x(i).toFixed(1) + "," + y(v).toFixed(1); });
        return d;
      };
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var band = "";
      hi.forEach(function (v, i) { if (v !== null) band += (band ? "L" : "M") + x(i).toFixed(1) + "," + y(v + (shift[i] || 0)).toFixed(1); });
      for (var i = lo.length - 1; i >= 0; i--) if (lo[i] !== null) band += "L" + x(i).toFixed(1) + "," + y(Math.max(0, lo[i] + (shift[i] || 0))).toFixed(1);
      if (band) svg.appendChild(el("path", {d: band + "Z", fill: "#1d70b8", "fill-opacity": "0.18"}));
      svg.appendChild(el("path", {d: path(base), fill: "none", stroke: "currentColor", "stroke-opacity": "0.7", "stroke-width": "2", "stroke-dasharray": "5 3"}));
      svg.appendChild(el("path", {d: path(line), fill: "none", stroke: "#1d70b8", "stroke-width": "2.5", "data-whatif-line": ""}));
      svg.appendChild(el("line", {x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), stroke: "#b1b4b6"}));
      var step = niceStep(top / 4);
      for (var v = 0; v <= top; v += step) {
        var label = el("text", {x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": "11", fill: "currentColor"});
        label.textContent = v.toLocaleString("en-GB");
        svg.appendChild(label);
        if (v > 0) svg.appendChild(el("line", {x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), stroke: "#b1b4b6", "stroke-opacity": "0.5"}));
      }
      [0, n - 1].forEach(function (i) {
        var label = el("text", {x: x(i), y: H - 8, "text-anchor": i ? "end" : "start", "font-size": "11", fill: "currentColor"});
        label.textContent = monthName(data.months[i]);
        svg.appendChild(label);
      });
      var last = n - 1;
      summary.textContent = line[last] === null
        ? select.value + ": too few children to show."
        : select.value + ", " + monthName(data.months[last]) + ": " + Math.round(line[last]).toLocaleString("en-GB") +
          " expected under this scenario, against " + Math.round(base[last]).toLocaleString("en-GB") + " as forecast.";
      var cost = 0;
      sliders.forEach(function (slider) { cost += (levers[slider.dataset.lever].cost || [])[Number(slider.value)] || 0; });
      summary.textContent += " " + costWords(cost);
      root.dataset.cost = String(cost);
      root.dataset.redrawMs = String(performance.now() - started);
      return now;
    }

    sliders.forEach(function (slider) { slider.addEventListener("input", draw); });
    select.addEventListener("change", draw);
    root.querySelector("[data-whatif-reset]").addEventListener("click", function () {
      sliders.forEach(function (slider) { slider.value = String(levers[slider.dataset.lever].values.indexOf(levers[slider.dataset.lever].neutral)); });
      draw();
    });
    draw();
    window.carejourneys = window.carejourneys || {};
    window.carejourneys.whatif = {scenario: scenario, draw: draw, data: data};
  }

  // A step of 1, 2 or 5 times a power of ten, at least ``rough``: axis labels people read at a glance.
  function niceStep(rough) {
    var power = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 1))));
    var steps = [1, 2, 5, 10].map(function (m) { return m * power; });
    return steps.filter(function (s) { return s >= rough; })[0];
  }

  // "2018-04" as "Apr 2018" (the page's other charts name months so).
  function monthName(month) {
    var names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    var parts = String(month).split("-");
    return parts.length === 2 ? names[Number(parts[1]) - 1] + " " + parts[0] : String(month);
  }

  // The scenario's cost against the baseline, in words: millions to two places, smaller sums to
  // the nearest thousand pounds, and none as none (not "+£0.00 million").
  function costWords(cost) {
    var size = Math.abs(cost);
    var sign = cost >= 0 ? "+" : "\u2212";
    if (size < 500) return "Cost of stays over the forecast: the same as the baseline.";
    var amount = size >= 1e6 ? (size / 1e6).toFixed(2) + " million"
      : (Math.round(size / 1000) * 1000).toLocaleString("en-GB");
    return "Cost of stays over the forecast against the baseline: " + sign + "\u00a3" + amount + ".";
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-whatif]"), init);
})();
