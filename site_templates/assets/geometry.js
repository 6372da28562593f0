/* carejourneys geometry.js: where a dot is, along the tube map's tracks.
 *
 * A dot travels the track from the station a child is at to the next one over the time the
 * child actually took, and drifts sideways (the prototype's 'traverse') the longer the child
 * waits, so slow cases stand out. Positions are in map units (the payload's `size`); the
 * direction of each child's drift comes from a hash of its index, so a position is a pure
 * function of the data and the tick: no randomness, no clock.
 *
 * Plain ES2019 in an IIFE: adds window.carejourneys.geometry, nothing else.
 */
(function () {
  'use strict';

  var OPEN = window.carejourneys.codec.OPEN;
  // Traverse: sideways drift in grid units, growing with the square root of the days waited,
  // capped so a dot stays near its track.
  var TRAVERSE_PER_SQRT_DAY = 0.03;
  var TRAVERSE_MAX = 0.42;
  var STATION_SPREAD = 0.12;  // grid units: dots waiting at a station do not all stack

  /** Index of the first element of `sorted` greater than `value` (within [lo, hi)). */
  function upperBound(sorted, value, lo, hi) {
    lo = lo === undefined ? 0 : lo;
    hi = hi === undefined ? sorted.length : hi;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /** Segments active at tick t (start <= t < end), given starts sorted ascending. */
  function activeAt(start, end, t, out) {
    var n = upperBound(start, t);
    var k = 0;
    for (var i = 0; i < n; i++) {
      if (end[i] > t) { out[k++] = i; }
    }
    return k;
  }

  /** Sideways drift (map units) of a dot that has waited `days`, on a map of `grid` units. */
  function traverseOffset(days, grid) {
    if (!(days > 0)) { return 0; }
    return Math.min(TRAVERSE_MAX * grid, TRAVERSE_PER_SQRT_DAY * grid * Math.sqrt(days));
  }

  /** The drift fades out over the last fifth of a journey, so a dot arrives on the track. */
  function envelope(fraction) {
    return Math.max(0, Math.min(1, (1 - fraction) * 5));
  }

  /** A deterministic number in [0, 1) for child i (the direction of its drift). */
  function hashUnit(i) {
    var x = (i + 0x9e3779b9) | 0;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    x ^= x >>> 16;
    return (x >>> 0) / 4294967296;
  }

  /** Cumulative lengths of a polyline given as [x0, y0, x1, y1, ...]. */
  function cumulativeLengths(xy) {
    var n = xy.length / 2;
    var cum = new Float64Array(n);
    for (var i = 1; i < n; i++) {
      var dx = xy[2 * i] - xy[2 * i - 2];
      var dy = xy[2 * i + 1] - xy[2 * i - 1];
      cum[i] = cum[i - 1] + Math.sqrt(dx * dx + dy * dy);
    }
    return cum;
  }

  /**
   * The point at `distance` along the polyline of points first..first+count-1 of `xy` (with
   * cumulative lengths `cum`), and the unit normal there: out = [x, y, nx, ny].
   */
  function pointAlong(xy, cum, first, count, distance, out) {
    out = out || [0, 0, 0, 0];
    var last = first + count - 1;
    if (count < 2) {
      out[0] = xy[2 * first]; out[1] = xy[2 * first + 1]; out[2] = 0; out[3] = -1;
      return out;
    }
    var base = cum[first];
    var d = Math.max(0, Math.min(distance, cum[last] - base)) + base;
    var i = upperBound(cum, d, first + 1, last);  // first point beyond d
    if (i > last) { i = last; }
    var x0 = xy[2 * i - 2], y0 = xy[2 * i - 1], x1 = xy[2 * i], y1 = xy[2 * i + 1];
    var len = cum[i] - cum[i - 1];
    var f = len > 0 ? (d - cum[i - 1]) / len : 0;
    out[0] = x0 + (x1 - x0) * f;
    out[1] = y0 + (y1 - y0) * f;
    out[2] = len > 0 ? -(y1 - y0) / len : 0;
    out[3] = len > 0 ? (x1 - x0) / len : -1;
    return out;
  }

  /**
   * Where a dot is at tick t: on its route from `start` to `end`, by the fraction of the
   * child's time elapsed, plus the traverse drift. A waiting dot with nowhere to go (still
   * open, leaving, or a new cycle at the same station) drifts around its station instead.
   */
  function placeDot(route, start, end, t, ticksPerDay, grid, seed, out) {
    var days = (t - start) / ticksPerDay;
    var drift = traverseOffset(days, grid);
    if (route.count < 2 || end === OPEN) {
      // A small disc of its own around the station, then outwards with the wait.
      var angle = seed * 2 * Math.PI;
      var radius = STATION_SPREAD * grid * ((seed * 7.31) % 1) + drift;
      out[0] = route.xy[2 * route.first] + Math.cos(angle) * radius;
      out[1] = route.xy[2 * route.first + 1] + Math.sin(angle) * radius;
      return out;
    }
    var fraction = end > start ? (t - start) / (end - start) : 1;
    if (fraction < 0) { fraction = 0; } else if (fraction > 1) { fraction = 1; }
    pointAlong(route.xy, route.cum, route.first, route.count, fraction * route.length, out);
    // Either side of the track, never quite on it, so dots waiting alike do not stack.
    var side = seed < 0.5 ? -(0.35 + 1.3 * seed) : 0.35 + 1.3 * (seed - 0.5);
    var off = drift * side * envelope(fraction);
    out[0] += out[2] * off;
    out[1] += out[3] * off;
    return out;
  }

  /**
   * The payload's routes ([from, to, [x0, y0, ...]]) in one coordinate array, with each
   * route's lengths, and `index(from, to)`: the route between two station indexes (-1: none).
   */
  function buildRoutes(rawRoutes) {
    var routes = [];
    var routeOf = new Int32Array(256 * 256).fill(-1);
    var total = 0;
    rawRoutes.forEach(function (r) { total += r[2].length; });
    var xy = new Float64Array(total);
    var offset = 0;
    rawRoutes.forEach(function (r) {
      xy.set(r[2], offset);
      routes.push({ from: r[0], to: r[1], first: offset / 2, count: r[2].length / 2 });
      routeOf[r[0] * 256 + r[1]] = routes.length - 1;
      offset += r[2].length;
    });
    var cum = new Float64Array(total / 2);
    routes.forEach(function (route) {
      var own = cumulativeLengths(xy.subarray(2 * route.first, 2 * (route.first + route.count)));
      cum.set(own, route.first);
      route.length = own[own.length - 1];
      route.xy = xy;
      route.cum = cum;
    });
    return { routes: routes, index: function (a, b) { return routeOf[a * 256 + b]; } };
  }

  window.carejourneys.geometry = {
    upperBound: upperBound,
    activeAt: activeAt,
    traverseOffset: traverseOffset,
    envelope: envelope,
    hashUnit: hashUnit,
    cumulativeLengths: cumulativeLengths,
    pointAlong: pointAlong,
    placeDot: placeDot,
    buildRoutes: buildRoutes
  };
})();
