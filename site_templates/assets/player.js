/* carejourneys player.js: the animated pathway map.
 *
 * Every child is a dot on the tube map. A dot travels the track from the station a child is at
 * to the next one over the time the child actually took, and drifts sideways (the prototype's
 * 'traverse') the longer the child waits, so slow cases stand out. Dots are stamped into one
 * ImageData per frame (tens of thousands of dots without a GPU); the map itself is SVG.
 *
 * Data: window.carejourneysData[slug] (build/data/<slug>.js), written by generator/frames.py:
 * visits as base64 typed arrays, decoded here into segments sorted by start time. Time is in
 * ticks (ticksPerDay to a day) from the data's origin day; the state "on date D" is the state
 * at tick D * ticksPerDay, so same-day moves happen in the fraction of a day before it.
 *
 * Hooks (DESIGN.md): each map view is pushed onto window.carejourneys.players with play(),
 * pause(), seek('YYYY-MM-DD'), state(). Plain ES2019 in an IIFE; no globals besides
 * window.carejourneys. The pure functions are exported for `node --test` at the end.
 */
(function () {
  'use strict';

  var OPEN = 2147483647;      // end tick of a visit still open at the end of the data
  var OFF = 255;              // station code: off the map
  var MS_PER_DAY = 86400000;
  // Traverse: sideways drift in grid units, growing with the square root of the days waited,
  // capped so a dot stays near its track.
  var TRAVERSE_PER_SQRT_DAY = 0.03;
  var TRAVERSE_MAX = 0.42;
  var STATION_SPREAD = 0.12;    // grid units: dots waiting at a station do not all stack
  var DEFAULT_SPEED = 30.4375;  // days per second: a month a second
  var DOT_RADIUS = 2.3;         // CSS pixels
  var FRAME_SAMPLES = 90;

  // ------------------------------------------------------------------ pure functions
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

  /** Age band index of a child born on `birthDay` at day `day` (bands start at ageFrom years). */
  function ageBand(birthDay, day, ageFrom) {
    if (birthDay === -32768) { return ageFrom.length; }
    var years = (day - birthDay) / 365.25;
    var band = 0;
    for (var i = 1; i < ageFrom.length; i++) { if (years >= ageFrom[i]) { band = i; } }
    return band;
  }

  function decodeBase64(text) {
    if (typeof atob !== 'function') { return new Uint8Array(Buffer.from(text, 'base64')); }
    var binary = atob(text);
    var n = binary.length;
    var bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  // Typed arrays in the data are little-endian; so is every platform browsers run on.
  function view(bytes, Type) { return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT); }

  /** Day number (days since 1970-01-01) of 'YYYY-MM-DD'. */
  function dayNumber(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) { throw new Error('invalid date: ' + text); }
    return Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / MS_PER_DAY);
  }

  function isoDate(day) { return new Date(day * MS_PER_DAY).toISOString().slice(0, 10); }

  /**
   * Segments from the packed visits: one per visit to a station, from its arrival to the
   * child's next arrival, sorted by start tick (counting sort: linear in the visits).
   */
  function buildSegments(data) {
    var tpd = data.ticksPerDay;
    var dday = view(decodeBase64(data.visits.dday), Uint16Array);
    var station = decodeBase64(data.visits.station);
    var info = decodeBase64(data.visits.info);
    var n = station.length;
    var lastTick = data.lastDay * tpd;
    var tick = new Int32Array(n);
    var day = 0;
    var count = 0;
    var i;
    for (i = 0; i < n; i++) {
      day = (info[i] & 128) ? dday[i] : day + dday[i];
      tick[i] = day * tpd - ((info[i] >> 4) & 7);
      if (station[i] !== OFF && tick[i] <= lastTick) { count++; }
    }
    var start = new Int32Array(count), end = new Int32Array(count), child = new Int32Array(count);
    var from = new Uint8Array(count), to = new Uint8Array(count), cycle = new Uint8Array(count);
    var c = -1, k = 0, minTick = 0, maxTick = 0;
    for (i = 0; i < n; i++) {
      if (info[i] & 128) { c++; }
      if (station[i] === OFF || tick[i] > lastTick) { continue; }
      var last = i + 1 >= n || (info[i + 1] & 128);
      start[k] = tick[i];
      end[k] = last ? OPEN : tick[i + 1];
      to[k] = last ? OFF : station[i + 1];
      from[k] = station[i];
      child[k] = c;
      cycle[k] = info[i] & 15;
      if (k === 0 || tick[i] < minTick) { minTick = tick[i]; }
      if (k === 0 || tick[i] > maxTick) { maxTick = tick[i]; }
      k++;
    }
    var order = sortByStart(start, minTick, maxTick);
    return {
      count: count,
      childCount: c + 1,
      start: permute(start, order, Int32Array),
      end: permute(end, order, Int32Array),
      child: permute(child, order, Int32Array),
      from: permute(from, order, Uint8Array),
      to: permute(to, order, Uint8Array),
      cycle: permute(cycle, order, Uint8Array)
    };
  }

  function sortByStart(start, minTick, maxTick) {
    var n = start.length;
    var buckets = new Int32Array(maxTick - minTick + 2);
    var i;
    for (i = 0; i < n; i++) { buckets[start[i] - minTick + 1]++; }
    for (i = 1; i < buckets.length; i++) { buckets[i] += buckets[i - 1]; }
    var order = new Int32Array(n);
    for (i = 0; i < n; i++) { order[buckets[start[i] - minTick]++] = i; }
    return order;
  }

  function permute(values, order, Type) {
    var out = new Type(order.length);
    for (var i = 0; i < order.length; i++) { out[i] = values[order[i]]; }
    return out;
  }

  /** Everything derived once from a data payload, shared by the views that show it. */
  function prepare(data) {
    var segments = buildSegments(data);
    var routes = [];
    var routeOf = new Int32Array(256 * 256).fill(-1);
    var total = 0;
    data.routes.forEach(function (r) { total += r[2].length; });
    var xy = new Float64Array(total);
    var offset = 0;
    data.routes.forEach(function (r) {
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
    var segRoute = new Int32Array(segments.count);
    for (var i = 0; i < segments.count; i++) {
      var a = segments.from[i], b = segments.to[i];
      segRoute[i] = routeOf[a * 256 + (b === OFF ? a : b)];
    }
    var tpd = data.ticksPerDay;
    // Arrivals per station by day (cumulative), for the running totals.
    return {
      data: data,
      segments: segments,
      routes: routes,
      segRoute: segRoute,
      tpd: tpd,
      firstTick: data.firstDay * tpd,
      lastTick: data.lastDay * tpd,
      children: {
        sex: decodeBase64(data.children.sex),
        ethnicity: decodeBase64(data.children.ethnicity),
        disability: decodeBase64(data.children.disability),
        la: view(decodeBase64(data.children.la), Uint16Array),
        birth: view(decodeBase64(data.children.birth), Int16Array)
      },
      seeds: (function () {
        var s = new Float32Array(segments.childCount);
        for (var c = 0; c < s.length; c++) { s[c] = hashUnit(c); }
        return s;
      })()
    };
  }

  // ------------------------------------------------------------------ colours
  function parseColour(hex) {
    var v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }

  function rgba32(rgb, alpha) {  // ImageData pixel as a little-endian Uint32
    return ((alpha << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0;
  }

  /** A dot sprite: pixel offsets of the fill and of the dark ring around it. */
  function sprite(radius) {
    var fill = [], ring = [];
    var outer = radius + 1;
    var span = Math.ceil(outer);
    for (var dy = -span; dy <= span; dy++) {
      for (var dx = -span; dx <= span; dx++) {
        var d = Math.sqrt(dx * dx + dy * dy);
        if (d <= radius) { fill.push(dx, dy); } else if (d <= outer) { ring.push(dx, dy); }
      }
    }
    return { fill: new Int32Array(fill), ring: new Int32Array(ring) };
  }

  // ------------------------------------------------------------------ a map view
  function View(player, root, model, fixed, index) {
    this.player = player;
    this.root = root;
    this.model = model;
    this.fixed = fixed || {};
    this.index = index;
    this.offsetTicks = 0;
    this.svg = root.querySelector('svg');
    this.stage = root.querySelector('.pathway-stage');
    this.canvas = root.querySelector('canvas');
    this.context = this.canvas.getContext('2d');
    var n = model.data.stations.length;
    this.counts = new Int32Array(n);
    this.arrivals = new Int32Array(n);
    this.active = new Int32Array(Math.max(16, model.segments.count));
    this.activeCount = 0;
    this.next = 0;
    this.activeTick = -Infinity;
    this.visible = new Uint8Array(model.segments.childCount);
    this.dotsDrawn = 0;
    this.countNodes = [];
    this.arrivedNodes = [];
    this.shownCounts = [];
    model.data.stations.forEach(function (id, i) {
      this.countNodes[i] = root.querySelector('[data-count="' + id + '"]');
      this.arrivedNodes[i] = root.querySelector('[data-arrived="' + id + '"]');
    }, this);
    this.resize();
  }

  View.prototype.resize = function () {
    var rect = this.stage.getBoundingClientRect();
    var dpr = Math.min(2, window.devicePixelRatio || 1);
    var width = Math.max(1, Math.round(rect.width * dpr));
    var height = Math.max(1, Math.round(rect.height * dpr));
    if (width === this.canvas.width && height === this.canvas.height && this.image) { return; }
    this.canvas.width = width;
    this.canvas.height = height;
    this.image = this.context.createImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    var size = this.model.data.size;
    this.scaleX = width / size[0];
    this.scaleY = height / size[1];
    this.sprite = sprite(Math.max(1.2, DOT_RADIUS * dpr * Math.min(1.3, Math.max(0.6, rect.width / size[0]))));
  };

  /** Keep `active` equal to the segments active at tick t (incrementally when moving on). */
  View.prototype.advance = function (t) {
    var seg = this.model.segments;
    var start = seg.start, end = seg.end, active = this.active;
    if (t < this.activeTick) {
      this.activeCount = activeAt(start, end, t, active);
      this.next = upperBound(start, t);
    } else {
      var k = 0;
      for (var i = 0; i < this.activeCount; i++) {
        var s = active[i];
        if (end[s] > t) { active[k++] = s; }
      }
      var j = this.next;
      while (j < seg.count && start[j] <= t) {
        if (end[j] > t) { active[k++] = j; }
        j++;
      }
      this.next = j;
      this.activeCount = k;
    }
    this.activeTick = t;
  };

  View.prototype.refilter = function (filters) {
    var ch = this.model.children, visible = this.visible;
    var f = {};
    ['sex', 'ethnicity', 'disability', 'la'].forEach(function (name) {
      var value = this.fixed[name] !== undefined ? this.fixed[name] : filters[name];
      f[name] = value === undefined || value === null || value === '' ? -1 : +value;
    }, this);
    for (var c = 0; c < visible.length; c++) {
      visible[c] = (f.sex < 0 || ch.sex[c] === f.sex) &&
        (f.ethnicity < 0 || ch.ethnicity[c] === f.ethnicity) &&
        (f.disability < 0 || ch.disability[c] === f.disability) &&
        (f.la < 0 || ch.la[c] === f.la) ? 1 : 0;
    }
    var age = this.fixed.age !== undefined ? this.fixed.age : filters.age;
    this.ageFilter = age === undefined || age === null || age === '' ? -1 : +age;
    this.computeArrivalTable();
  };

  /** Cumulative arrivals per station by day, for the visible children (running totals). */
  View.prototype.computeArrivalTable = function () {
    var m = this.model, seg = m.segments, n = m.data.stations.length;
    var days = m.data.lastDay - m.data.firstDay + 2;
    var table = new Int32Array(days * n);
    var firstTick = m.firstTick - m.tpd;  // the start of the first day
    for (var i = 0; i < seg.count; i++) {
      var s = seg.start[i];
      if (s <= firstTick || !this.visible[seg.child[i]]) { continue; }
      var d = Math.ceil(s / m.tpd) - m.data.firstDay + 1;  // arrivals by the end of day d
      if (d >= days) { continue; }
      table[d * n + seg.from[i]]++;
    }
    for (var row = 1; row < days; row++) {
      for (var st = 0; st < n; st++) { table[row * n + st] += table[(row - 1) * n + st]; }
    }
    this.arrivalTable = table;
    this.arrivalDays = days;
  };

  View.prototype.computeArrivals = function (t) {
    var m = this.model, n = m.data.stations.length, seg = m.segments;
    var wholeDay = Math.floor(t / m.tpd);
    var row = Math.min(this.arrivalDays - 1, Math.max(0, wholeDay - m.data.firstDay + 1));
    for (var s = 0; s < n; s++) { this.arrivals[s] = this.arrivalTable[row * n + s]; }
    if (wholeDay - m.data.firstDay + 1 < 0) { this.arrivals.fill(0); return; }
    // Arrivals earlier in the day now in progress.
    var from = upperBound(seg.start, wholeDay * m.tpd);
    var to = upperBound(seg.start, t);
    for (var i = from; i < to; i++) {
      if (this.visible[seg.child[i]]) { this.arrivals[seg.from[i]]++; }
    }
  };

  View.prototype.colourIndex = function (mode, s, c, day) {
    var ch = this.model.children;
    switch (mode) {
      case 'sex': return ch.sex[c];
      case 'ethnicity': return ch.ethnicity[c];
      case 'disability': return ch.disability[c];
      case 'la': return ch.la[c];
      case 'age': return ageBand(ch.birth[c], day, this.model.data.attributes.ageFrom);
      default: return Math.min(this.model.segments.cycle[s], 6) - 1;
    }
  };

  /** Draw the dots at tick t; count them by station. Returns the number drawn. */
  View.prototype.draw = function (t) {
    var m = this.model, seg = m.segments, tpd = m.tpd;
    t += this.offsetTicks;
    this.advance(t);
    var pixels = this.pixels, width = this.canvas.width, height = this.canvas.height;
    pixels.fill(0);
    var counts = this.counts;
    counts.fill(0);
    var palette = this.player.palette32;
    var ring = this.player.ring32;
    var fill = this.sprite.fill, ringOffsets = this.sprite.ring;
    var sx = this.scaleX, sy = this.scaleY, grid = m.data.grid;
    var mode = this.player.colourBy;
    var ageFrom = m.data.attributes.ageFrom;
    var day = t / tpd;
    var out = [0, 0, 0, 0];
    var drawn = 0;
    var active = this.active, visible = this.visible, ageFilter = this.ageFilter;
    for (var k = 0; k < this.activeCount; k++) {
      var s = active[k];
      var c = seg.child[s];
      if (!visible[c]) { continue; }
      if (ageFilter >= 0 && ageBand(m.children.birth[c], day, ageFrom) !== ageFilter) { continue; }
      placeDot(m.routes[m.segRoute[s]], seg.start[s], seg.end[s], t, tpd, grid, m.seeds[c], out);
      counts[seg.from[s]]++;
      drawn++;
      var px = Math.round(out[0] * sx), py = Math.round(out[1] * sy);
      var colour = palette[this.colourIndex(mode, s, c, day)] || palette[0];
      var i, x, y;
      for (i = 0; i < ringOffsets.length; i += 2) {
        x = px + ringOffsets[i]; y = py + ringOffsets[i + 1];
        if (x >= 0 && y >= 0 && x < width && y < height) { pixels[y * width + x] = ring; }
      }
      for (i = 0; i < fill.length; i += 2) {
        x = px + fill[i]; y = py + fill[i + 1];
        if (x >= 0 && y >= 0 && x < width && y < height) { pixels[y * width + x] = colour; }
      }
    }
    this.context.putImageData(this.image, 0, 0);
    this.dotsDrawn = drawn;
    this.computeArrivals(t);
    this.updateCounters();
    return drawn;
  };

  View.prototype.updateCounters = function () {
    for (var i = 0; i < this.counts.length; i++) {
      var now = this.counts[i], arrived = this.arrivals[i];
      var key = now + ':' + arrived;
      if (this.shownCounts[i] === key) { continue; }
      this.shownCounts[i] = key;
      if (this.countNodes[i]) { this.countNodes[i].textContent = now.toLocaleString('en-GB') + ' now'; }
      if (this.arrivedNodes[i]) { this.arrivedNodes[i].textContent = arrived.toLocaleString('en-GB') + ' in'; }
    }
  };

  /** The dots drawn at the current time, in map units (for tests and the station panel). */
  View.prototype.dots = function () {
    var m = this.model, seg = m.segments, tpd = m.tpd;
    var t = this.player.t + this.offsetTicks;
    var out = [0, 0, 0, 0], list = [];
    var day = t / tpd;
    for (var k = 0; k < this.activeCount; k++) {
      var s = this.active[k], c = seg.child[s];
      if (!this.visible[c]) { continue; }
      if (this.ageFilter >= 0 && ageBand(m.children.birth[c], day, m.data.attributes.ageFrom) !== this.ageFilter) { continue; }
      placeDot(m.routes[m.segRoute[s]], seg.start[s], seg.end[s], t, tpd, m.data.grid, m.seeds[c], out);
      list.push({
        child: c, x: out[0], y: out[1], cycle: seg.cycle[s],
        from: m.data.stations[seg.from[s]],
        to: seg.to[s] === OFF ? null : m.data.stations[seg.to[s]],
        waitedDays: (t - seg.start[s]) / tpd
      });
    }
    return list;
  };

  View.prototype.stationCounts = function () {
    var counts = {};
    this.model.data.stations.forEach(function (id, i) { counts[id] = this.counts[i]; }, this);
    return counts;
  };

  View.prototype.waitingAt = function (stationIndex) {
    var m = this.model, seg = m.segments, t = this.player.t + this.offsetTicks;
    var waits = [];
    for (var k = 0; k < this.activeCount; k++) {
      var s = this.active[k];
      if (seg.from[s] === stationIndex && this.visible[seg.child[s]]) { waits.push(Math.floor((t - seg.start[s]) / m.tpd)); }
    }
    waits.sort(function (a, b) { return a - b; });
    return waits;
  };

  View.prototype.date = function () {
    var m = this.model;
    return isoDate(m.data.originDay + Math.ceil((this.player.t + this.offsetTicks) / m.tpd - 1e-9));
  };

  /** The object pushed onto window.carejourneys.players (DESIGN.md's hooks). */
  View.prototype.hooks = function () {
    var self = this, player = this.player;
    return {
      element: this.root,
      play: function () { player.play(); },
      pause: function () { player.pause(); },
      seek: function (date) { player.seekDate(date, self); },
      state: function () {
        var arrivals = {};
        self.model.data.stations.forEach(function (id, i) { arrivals[id] = self.arrivals[i]; });
        return {
          date: self.date(),
          playing: player.playing,
          dotsDrawn: self.dotsDrawn,
          stationCounts: self.stationCounts(),
          arrivals: arrivals,
          fps: player.fps(),
          drawMs: player.drawMs(),
          firstFrameMs: player.firstFrameMs,
          tick: player.t + self.offsetTicks,
          speed: player.speed,
          colourBy: player.colourBy,
          filters: Object.assign({}, player.filters),
          segments: self.model.segments.count
        };
      },
      dots: function () { return self.dots(); },
      setFilter: function (name, value) { player.setFilter(name, value); },
      setColour: function (mode) { player.setColour(mode); },
      setSpeed: function (daysPerSecond) { player.setSpeed(daysPerSecond); },
      record: function (seconds) { return player.recordFor(seconds); },
      snapshot: function () { return player.snapshot(); }
    };
  };

  // ------------------------------------------------------------------ the player
  function Player(root, payload) {
    this.root = root;
    this.payload = payload;
    this.playing = false;
    this.speed = DEFAULT_SPEED;
    this.filters = {};
    this.colourBy = 'cycle';
    this.intervals = [];
    this.drawTimes = [];
    this.firstFrameMs = null;
    this.lastFrame = null;
    this.frameRequest = null;
    var models = payload.frames.map(prepare);
    var self = this;
    this.views = payload.views.map(function (spec, i) {
      var element = root.querySelectorAll('.pathway-view')[i];
      return new View(self, element, models[spec.frames], spec.filter, i);
    });
    var main = this.views[0].model;
    this.views.forEach(function (v) { v.offsetTicks = v.model.firstTick - main.firstTick; });
    this.t = main.firstTick;
    this.minTick = main.firstTick;
    this.maxTick = main.lastTick;
    this.setPalette();
    this.bindControls();
    this.views.forEach(function (v) { v.refilter(self.filters); });
  }

  Player.prototype.setPalette = function () {
    var colours = this.payload.palettes[this.colourBy] || this.payload.palettes.cycle;
    this.palette32 = colours.map(function (hex) { return rgba32(parseColour(hex), 255); });
    this.ring32 = rgba32([40, 40, 40], 150);
  };

  Player.prototype.draw = function () {
    var began = performance.now();
    for (var i = 0; i < this.views.length; i++) { this.views[i].draw(this.t); }
    var spent = performance.now() - began;
    this.drawTimes.push(spent);
    if (this.drawTimes.length > FRAME_SAMPLES) { this.drawTimes.shift(); }
    if (this.firstFrameMs === null) { this.firstFrameMs = performance.now(); }
    this.showTime();
    this.showTotal();
    if (this.recorder) { this.recorder.frame(); }
  };

  Player.prototype.play = function () {
    if (this.playing) { return; }
    if (this.t >= this.maxTick) { this.t = this.minTick; }
    this.playing = true;
    this.lastFrame = null;
    this.intervals = [];
    var self = this;
    var frame = function (now) {
      if (!self.playing) { return; }
      if (self.lastFrame !== null) {
        var dt = Math.min(0.25, (now - self.lastFrame) / 1000);
        self.intervals.push(now - self.lastFrame);
        if (self.intervals.length > FRAME_SAMPLES) { self.intervals.shift(); }
        self.t = Math.min(self.maxTick, self.t + dt * self.speed * self.views[0].model.tpd);
      }
      self.lastFrame = now;
      self.draw();
      if (self.t >= self.maxTick) { self.pause(); return; }
      self.frameRequest = window.requestAnimationFrame(frame);
    };
    this.frameRequest = window.requestAnimationFrame(frame);
    this.showPlaying();
  };

  Player.prototype.pause = function () {
    this.playing = false;
    if (this.frameRequest !== null) { window.cancelAnimationFrame(this.frameRequest); this.frameRequest = null; }
    this.showPlaying();
  };

  Player.prototype.toggle = function () { if (this.playing) { this.pause(); } else { this.play(); } };

  Player.prototype.seekTick = function (tick) {
    this.t = Math.max(this.minTick - this.views[0].model.tpd, Math.min(this.maxTick, tick));
    this.draw();
  };

  /** Seek to 'YYYY-MM-DD' (the end of that day) or 'YYYY-MM-DDTHH:MM' (that time of the day). */
  Player.prototype.seekDate = function (text, view) {
    view = view || this.views[0];
    var m = view.model;
    var parts = String(text).split('T');
    var tick = (dayNumber(parts[0]) - m.data.originDay) * m.tpd;
    if (parts[1]) {
      var hm = /^(\d{2}):(\d{2})$/.exec(parts[1]);
      if (!hm) { throw new Error('invalid time: ' + parts[1]); }
      tick += ((+hm[1] * 60 + +hm[2]) / 1440 - 1) * m.tpd;
    }
    this.seekTick(tick - view.offsetTicks);
  };

  Player.prototype.step = function (days) {
    var tpd = this.views[0].model.tpd;
    this.seekTick((Math.round(this.t / tpd) + days) * tpd);
  };

  Player.prototype.setSpeed = function (daysPerSecond) {
    this.speed = +daysPerSecond;
    var select = this.root.querySelector('[data-control="speed"]');
    if (select && +select.value !== this.speed) { select.value = String(daysPerSecond); }
  };

  Player.prototype.setFilter = function (name, value) {
    this.filters[name] = value === '' || value === null || value === undefined ? '' : String(value);
    var select = this.root.querySelector('[data-filter="' + name + '"]');
    if (select && select.value !== this.filters[name]) { select.value = this.filters[name]; }
    var filters = this.filters;
    this.views.forEach(function (v) { v.refilter(filters); });
    this.draw();
  };

  Player.prototype.setColour = function (mode) {
    this.colourBy = this.payload.palettes[mode] ? mode : 'cycle';
    var select = this.root.querySelector('[data-control="colour"]');
    if (select && select.value !== this.colourBy) { select.value = this.colourBy; }
    var keys = this.root.querySelectorAll('[data-key]');
    for (var i = 0; i < keys.length; i++) { keys[i].hidden = keys[i].getAttribute('data-key') !== this.colourBy; }
    this.setPalette();
    this.draw();
  };

  function median(values) {
    if (!values.length) { return null; }
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    return sorted[sorted.length >> 1];
  }

  Player.prototype.fps = function () {
    var interval = median(this.intervals);
    return interval ? Math.round(10000 / interval) / 10 : null;
  };

  Player.prototype.drawMs = function () {
    var ms = median(this.drawTimes);
    return ms === null ? null : Math.round(ms * 100) / 100;
  };

  // ------------------------------------------------------------------ controls
  Player.prototype.bindControls = function () {
    var self = this, root = this.root;
    var tpd = this.views[0].model.tpd;
    this.playButton = root.querySelector('[data-action="play"]');
    this.dateOutput = root.querySelector('.pathway-date');
    this.scrubber = root.querySelector('[data-control="date"]');
    if (this.scrubber) {
      this.scrubber.min = String(this.minTick / tpd);
      this.scrubber.max = String(this.maxTick / tpd);
      this.scrubber.step = '1';
      this.scrubber.addEventListener('input', function () { self.seekTick(+self.scrubber.value * tpd); });
    }
    root.addEventListener('click', function (event) {
      var target = event.target.closest('[data-action], [data-jump], [data-station]');
      if (!target || !root.contains(target)) { return; }
      if (target.hasAttribute('data-jump')) { self.pause(); self.seekDate(target.getAttribute('data-jump')); return; }
      if (target.hasAttribute('data-station')) { self.openPanel(target.getAttribute('data-station'), target); return; }
      var action = target.getAttribute('data-action');
      if (action === 'play') { self.toggle(); }
      else if (action === 'back') { self.pause(); self.step(-1); }
      else if (action === 'forward') { self.pause(); self.step(1); }
      else if (action === 'record') { self.toggleRecording(); }
      else if (action === 'close-panel') { self.closePanel(); }
    });
    root.addEventListener('keydown', function (event) {
      var station = event.target.closest && event.target.closest('[data-station]');
      if (station && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        self.openPanel(station.getAttribute('data-station'), station);
      }
    });
    document.addEventListener('keydown', function (event) {
      var el = event.target;
      var inside = el === document.body || el === document.documentElement || root.contains(el);
      if (!inside || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var tag = (el.tagName || '').toLowerCase();
      var native = tag === 'button' || tag === 'select' || tag === 'textarea' || tag === 'a' ||
        (tag === 'input' && el.type !== 'range') || (el.closest && el.closest('[data-station]'));
      if (event.key === ' ' && !native) { event.preventDefault(); self.toggle(); }
      else if ((event.key === 'ArrowLeft' || event.key === 'ArrowRight') && !native && tag !== 'input') {
        event.preventDefault();
        self.pause();
        self.step((event.key === 'ArrowLeft' ? -1 : 1) * (event.shiftKey ? 30 : 1));
      }
    });
    root.addEventListener('change', function (event) {
      var el = event.target;
      if (el.getAttribute('data-control') === 'speed') { self.setSpeed(+el.value); }
      else if (el.getAttribute('data-control') === 'colour') { self.setColour(el.value); }
      else if (el.hasAttribute('data-filter')) { self.setFilter(el.getAttribute('data-filter'), el.value); }
    });
    var speed = root.querySelector('[data-control="speed"]');
    if (speed) { this.speed = +speed.value || DEFAULT_SPEED; }
    // Canvas size follows the map's: measured on resize only, never per frame (no forced layout).
    var onResize = function () {
      self.views.forEach(function (v) { v.resize(); });
      if (!self.playing && self.firstFrameMs !== null) { self.draw(); }
    };
    if (typeof window.ResizeObserver === 'function') {
      var observer = new window.ResizeObserver(onResize);
      this.views.forEach(function (v) { observer.observe(v.stage); });
    } else {
      window.addEventListener('resize', onResize);
    }
    var record = root.querySelector('[data-action="record"]');
    if (record && (typeof window.MediaRecorder !== 'function' || !HTMLCanvasElement.prototype.captureStream)) {
      record.disabled = true;
      record.title = 'This browser cannot record video';
    }
  };

  Player.prototype.showPlaying = function () {
    if (!this.playButton) { return; }
    this.playButton.textContent = this.playing ? 'Pause' : 'Play';
    this.root.classList.toggle('is-playing', this.playing);
  };

  Player.prototype.showTime = function () {
    var view = this.views[0], tpd = view.model.tpd;
    var dayIndex = Math.ceil(this.t / tpd - 1e-9);
    if (dayIndex === this.shownDay) { return; }
    this.shownDay = dayIndex;
    if (this.scrubber) { this.scrubber.value = String(dayIndex); }
    var texts = this.views.map(function (v) {
      var d = new Date((v.model.data.originDay + dayIndex + v.offsetTicks / tpd) * MS_PER_DAY);
      return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    });
    var unique = texts.filter(function (x, i) { return texts.indexOf(x) === i; });
    if (this.dateOutput) { this.dateOutput.textContent = unique.join(' | '); }
    if (this.scrubber) { this.scrubber.setAttribute('aria-valuetext', unique.join(', ')); }
    // A marked date (an inspection) is named beside the date for a month after it.
    var note = this.root.querySelector('.pathway-event');
    if (note) {
      var recent = view.model.data.annotations.filter(function (a) { return dayIndex - a.day >= 0 && dayIndex - a.day < 31; });
      var said = recent.map(function (a) { return a.label + ' (' + a.date + ')'; }).join('; ');
      if (note.textContent !== said) { note.textContent = said; }
    }
    var labels = this.root.querySelectorAll('.pathway-view-date');
    for (var i = 0; i < labels.length; i++) { labels[i].textContent = texts[i] || ''; }
  };

  Player.prototype.showTotal = function () {
    var node = this.root.querySelector('.pathway-total');
    if (!node) { return; }
    var text = this.views.map(function (v) { return v.dotsDrawn.toLocaleString('en-GB'); }).join(' and ');
    text += this.views.length > 1 ? ' children on the maps' : ' children on the map';
    if (node.textContent !== text) { node.textContent = text; }
  };

  // ------------------------------------------------------------------ station panel
  Player.prototype.openPanel = function (stationId, opener) {
    var panel = this.root.querySelector('.pathway-panel');
    if (!panel) { return; }
    var view = this.views[0], data = view.model.data;
    var index = data.stations.indexOf(stationId);
    if (index < 0) { return; }
    var summary = data.summary[index];
    var label = data.stationLabels[index];
    var waits = view.waitingAt(index);
    var labelOf = function (id) {
      if (id === 'left') { return 'left the map'; }
      if (id === 'still') { return 'still there at the end of the data'; }
      return data.stationLabels[data.stations.indexOf(id)] || id;
    };
    panel.querySelector('.pathway-panel-title').textContent = label;
    var fmt = function (n) { return n === null || n === undefined ? 'not available' : n.toLocaleString('en-GB'); };
    panel.querySelector('[data-panel="now"]').textContent = fmt(waits.length) + (waits.length === 1 ? ' child' : ' children');
    panel.querySelector('[data-panel="now-label"]').textContent = 'Waiting on ' + view.date();
    panel.querySelector('[data-panel="wait-now"]').textContent = waits.length ? fmt(waits[waits.length >> 1]) + ' days' : 'nobody waiting';
    panel.querySelector('[data-panel="arrivals"]').textContent = fmt(summary.arrivals);
    panel.querySelector('[data-panel="median"]').textContent = summary.medianWait === null ? 'not available' : fmt(summary.medianWait) + ' days';
    var list = panel.querySelector('[data-panel="next"]');
    list.textContent = '';
    summary.next.filter(function (item) { return item[1] > 0; }).forEach(function (item) {
      var li = document.createElement('li');
      var bar = document.createElement('span');
      bar.className = 'pathway-bar';
      bar.style.width = Math.max(1, item[1]) + '%';
      li.appendChild(document.createTextNode(item[1].toFixed(1) + '% ' + labelOf(item[0])));
      li.appendChild(bar);
      list.appendChild(li);
    });
    panel.hidden = false;
    this.panelOpener = opener;
    panel.querySelector('.pathway-panel-title').focus();
  };

  Player.prototype.closePanel = function () {
    var panel = this.root.querySelector('.pathway-panel');
    if (panel) { panel.hidden = true; }
    if (this.panelOpener) { this.panelOpener.focus(); }
  };

  // ------------------------------------------------------------------ recording
  /** An SVG layer of the map as an image (counts blanked: they are drawn live). */
  function layerImage(svg, size, onload) {
    var clone = svg.cloneNode(true);
    clone.setAttribute('width', String(size[0]));
    clone.setAttribute('height', String(size[1]));
    Array.prototype.forEach.call(clone.querySelectorAll('[data-count]'), function (node) {
      node.parentNode.textContent = '';  // the whole "N now · M in" line
    });
    var image = new Image();
    image.onload = function () { onload(image); };
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(clone));
    return image;
  }

  /**
   * A frame of the first map as one canvas: map, dots, labels, live counts and the date. The
   * Recorder streams it to MediaRecorder; `snapshot()` returns it as a PNG data URL.
   */
  function Composer(view, onready) {
    this.view = view;
    this.canvas = document.createElement('canvas');
    this.canvas.width = view.canvas.width;
    this.canvas.height = view.canvas.height;
    this.context = this.canvas.getContext('2d');
    this.layers = [null, null];
    var self = this, size = view.model.data.size, waiting = 2;
    var svgs = view.root.querySelectorAll('.pathway-stage > svg');
    Array.prototype.forEach.call(svgs, function (svg, i) {
      layerImage(svg, size, function (image) {
        self.layers[i] = image;
        waiting -= 1;
        if (!waiting && onready) { onready(self); }
      });
    });
    // Where each station's count line is written on the page, in map units.
    this.countAt = view.countNodes.map(function (node) {
      if (!node) { return null; }
      var line = node.parentNode, text = line.closest('text');
      var box = line.getBBox();
      return { x: +line.getAttribute('x'), y: box.y + box.height * 0.78, anchor: text.getAttribute('text-anchor'),
               size: parseFloat(line.getAttribute('font-size')) || 11 };
    });
  }

  Composer.prototype.frame = function () {
    var view = this.view, ctx = this.context, w = this.canvas.width, h = this.canvas.height;
    var scale = w / view.model.data.size[0];
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, w, h);
    if (this.layers[0]) { ctx.drawImage(this.layers[0], 0, 0, w, h); }
    ctx.drawImage(view.canvas, 0, 0, w, h);
    if (this.layers[1]) { ctx.drawImage(this.layers[1], 0, 0, w, h); }
    ctx.lineJoin = 'round';
    for (var i = 0; i < this.countAt.length; i++) {
      var at = this.countAt[i];
      if (!at) { continue; }
      var text = view.counts[i].toLocaleString('en-GB') + ' now \u00b7 ' + view.arrivals[i].toLocaleString('en-GB') + ' in';
      ctx.font = 'bold ' + (at.size * scale).toFixed(1) + 'px system-ui, sans-serif';
      ctx.textAlign = at.anchor === 'middle' ? 'center' : (at.anchor === 'end' ? 'right' : 'left');
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 3 * scale;
      ctx.strokeText(text, at.x * scale, at.y * scale);
      ctx.fillStyle = '#1d4f91';
      ctx.fillText(text, at.x * scale, at.y * scale);
    }
    ctx.fillStyle = '#0b0c0c';
    ctx.font = 'bold ' + Math.round(22 * scale) + 'px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.fillText(view.date(), w - 16 * scale, h - 16 * scale);
  };

  /** Records the map and its dots to WebM in the browser (MediaRecorder); nothing is sent. */
  function Recorder(player) {
    var self = this;
    this.player = player;
    this.composer = new Composer(player.views[0], function () { self.frame(); });
    var types = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];
    var type = types.filter(function (t) { return window.MediaRecorder.isTypeSupported(t); })[0] || '';
    this.chunks = [];
    this.stream = this.composer.canvas.captureStream(30);
    this.media = new window.MediaRecorder(this.stream, type ? { mimeType: type } : undefined);
    this.media.ondataavailable = function (event) { if (event.data && event.data.size) { self.chunks.push(event.data); } };
    this.frame();
    this.media.start(250);
  }

  Recorder.prototype.frame = function () { this.composer.frame(); };

  /** The current frame as a PNG data URL (resolves once the map's layers are loaded). */
  Player.prototype.snapshot = function () {
    var view = this.views[0];
    return new Promise(function (resolve) {
      var composer = new Composer(view, function (ready) { ready.frame(); resolve(ready.canvas.toDataURL('image/png')); });
      return composer;
    });
  };

  Recorder.prototype.stop = function () {
    var self = this;
    return new Promise(function (resolve) {
      self.media.onstop = function () {
        var blob = new Blob(self.chunks, { type: self.media.mimeType || 'video/webm' });
        self.stream.getTracks().forEach(function (track) { track.stop(); });
        resolve(blob);
      };
      self.media.stop();
    });
  };

  Player.prototype.toggleRecording = function () {
    var self = this;
    var button = this.root.querySelector('[data-action="record"]');
    if (this.recorder) {
      var recorder = this.recorder;
      this.recorder = null;
      if (button) { button.textContent = 'Record video'; button.classList.remove('is-recording'); }
      return recorder.stop().then(function (blob) { self.offerDownload(blob); return blob; });
    }
    this.recorder = new Recorder(this);
    if (button) { button.textContent = 'Stop recording'; button.classList.add('is-recording'); }
    if (!this.playing) { this.play(); }
    return Promise.resolve(null);
  };

  Player.prototype.offerDownload = function (blob) {
    var link = this.root.querySelector('.pathway-download');
    if (!link) { return; }
    if (link.href && link.href.indexOf('blob:') === 0) { URL.revokeObjectURL(link.href); }
    link.href = URL.createObjectURL(blob);
    link.download = 'pathway-map-' + this.views[0].date() + '.webm';
    link.textContent = 'Download the video (' + Math.max(1, Math.round(blob.size / 1024)).toLocaleString('en-GB') + ' KB, WebM)';
    link.hidden = false;
  };

  /** Record `seconds` of playing (for tests and scripted exports); resolves with the Blob. */
  Player.prototype.recordFor = function (seconds) {
    var self = this;
    if (this.recorder) { return Promise.reject(new Error('already recording')); }
    this.toggleRecording();
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); })
      .then(function () { return self.toggleRecording(); });
  };

  // ------------------------------------------------------------------ start-up
  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  function start() {
    var cj = window.carejourneys = window.carejourneys || {};
    cj.players = cj.players || [];
    var roots = document.querySelectorAll('[data-pathway]');
    Array.prototype.forEach.call(roots, function (root) {
      var drawn = new Promise(function (resolve, reject) {
        var payload = (window.carejourneysData || {})[root.getAttribute('data-pathway')];
        if (!payload) { reject(new Error('invalid pathway data: ' + root.getAttribute('data-pathway') + ' is not loaded')); return; }
        var interactive = root.querySelector('.pathway-interactive');
        if (interactive) { interactive.hidden = false; }
        var player = new Player(root, payload);
        player.views.forEach(function (v) { cj.players.push(v.hooks()); });
        player.draw();
        root.classList.add('is-ready');
        if (root.getAttribute('data-autoplay') !== 'false' && !reducedMotion()) { player.play(); }
        resolve(player);
      });
      if (typeof cj.whenDrawn === 'function') { cj.whenDrawn(drawn); }
      drawn.catch(function (error) { console.error('carejourneys: ' + error.message); });
    });
  }

  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = {
      upperBound: upperBound,
      activeAt: activeAt,
      traverseOffset: traverseOffset,
      envelope: envelope,
      hashUnit: hashUnit,
      cumulativeLengths: cumulativeLengths,
      pointAlong: pointAlong,
      placeDot: placeDot,
      ageBand: ageBand,
      decodeBase64: decodeBase64,
      buildSegments: buildSegments,
      dayNumber: dayNumber,
      isoDate: isoDate,
      OPEN: OPEN,
      OFF: OFF
    };
  }
})();
