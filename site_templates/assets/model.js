/* carejourneys model.js: the pathway map's state at a tick, without the DOM or a clock.
 *
 * create(frames, view) takes one packed frames payload (generator/frames.py) and a view
 * ({filter: {sex: 1, ...}, speed: days per second}) and returns a model whose time moves only
 * when told: seek('YYYY-MM-DD'), at(tick), or tick(ms) (ms of playing at its speed). At each
 * time it knows which children are where: counts() (the stock by station id, which must equal
 * Python's generator.pathway.frames.station_stock on every date: tests/js/golden/), arrivals(),
 * dots() (positions in map units, from geometry.js), waitingAt(station) and placed() (the
 * dots for the painter). Everything is deterministic: the same frames and calls give the same
 * numbers, in node as in a browser.
 *
 * Plain ES2019 in an IIFE: adds window.carejourneys.model, nothing else.
 */
(function () {
  'use strict';

  var cj = window.carejourneys;
  var codec = cj.codec, geometry = cj.geometry;
  var OFF = codec.OFF;
  var DEFAULT_SPEED = 30.4375;  // days per second: a month a second
  var GROUP_FILTERS = ['sex', 'ethnicity', 'disability', 'la'];
  var upperBound = geometry.upperBound;

  /** Age band index of a child born on `birthDay` at day `day` (bands start at ageFrom years). */
  function ageBand(birthDay, day, ageFrom) {
    if (birthDay === codec.FORMAT.unknownBirth) { return ageFrom.length; }
    var years = (day - birthDay) / 365.25;
    var band = 0;
    for (var i = 1; i < ageFrom.length; i++) { if (years >= ageFrom[i]) { band = i; } }
    return band;
  }

  // Two views of one payload (girls and boys side by side) decode it once.
  var prepared = new WeakMap();

  /** Everything derived once from a frames payload, shared by the models that show it. */
  function prepare(frames) {
    var known = prepared.get(frames);
    if (known) { return known; }
    var decoded = codec.decode(frames);
    var segments = decoded.segments;
    var track = geometry.buildRoutes(frames.routes);
    var segRoute = new Int32Array(segments.count);
    for (var i = 0; i < segments.count; i++) {
      var a = segments.from[i], b = segments.to[i];
      segRoute[i] = track.index(a, b === OFF ? a : b);
    }
    var seeds = new Float32Array(segments.childCount);
    for (var c = 0; c < seeds.length; c++) { seeds[c] = geometry.hashUnit(c); }
    var tpd = frames.ticksPerDay;
    var result = {
      segments: segments,
      children: decoded.children,
      routes: track.routes,
      segRoute: segRoute,
      seeds: seeds,
      tpd: tpd,
      firstTick: frames.firstDay * tpd,
      lastTick: frames.lastDay * tpd
    };
    prepared.set(frames, result);
    return result;
  }

  function Model(frames, view) {
    view = view || {};
    var p = prepare(frames);
    var n = frames.stations.length, capacity = Math.max(16, p.segments.count);
    this.data = frames;
    this.p = p;
    this.tpd = p.tpd;
    this.firstTick = p.firstTick;
    this.lastTick = p.lastTick;
    this.fixed = view.filter || {};
    this.filters = {};
    this.speed = view.speed || DEFAULT_SPEED;
    this.colourBy = 'cycle';
    /** Children at each station (by index) and arrivals since the period began: live, read-only. */
    this.stock = new Int32Array(n);
    this.arrived = new Int32Array(n);
    this.active = new Int32Array(capacity);
    this.activeCount = 0;
    this.next = 0;
    this.activeTick = -Infinity;
    this.visible = new Uint8Array(p.segments.childCount);
    this.layout = {
      count: 0, x: new Float64Array(capacity), y: new Float64Array(capacity),
      segment: new Int32Array(capacity), colour: new Uint8Array(capacity)
    };
    this.t = p.firstTick;
    this.refilter();
    this.at(this.t);
  }

  /** Move to tick t (no bounds: a view a year ahead of the scrubber may run past its data). */
  Model.prototype.at = function (t) {
    this.t = t;
    this.advance(t);
    this.place(t);
    this.countArrivals(t);
    return this;
  };

  /** Play `ms` milliseconds at this model's speed; stops at the end of the period. */
  Model.prototype.tick = function (ms) {
    if (ms > 0 && this.t < this.lastTick) {
      this.at(Math.min(this.lastTick, this.t + ms / 1000 * this.speed * this.tpd));
    }
    return this;
  };

  Model.prototype.ended = function () { return this.t >= this.lastTick; };

  /** The tick of 'YYYY-MM-DD' (the end of that day) or 'YYYY-MM-DDTHH:MM' (that time of it). */
  Model.prototype.tickOf = function (text) {
    var parts = String(text).split('T');
    var tick = (codec.dayNumber(parts[0]) - this.data.originDay) * this.tpd;
    if (parts[1]) {
      var hm = /^(\d{2}):(\d{2})$/.exec(parts[1]);
      if (!hm) { throw new Error('invalid time: ' + parts[1]); }
      tick += ((+hm[1] * 60 + +hm[2]) / 1440 - 1) * this.tpd;
    }
    return tick;
  };

  /** Seek to a date (see tickOf), kept within the period (from the start of its first day). */
  Model.prototype.seek = function (text) {
    return this.at(Math.max(this.firstTick - this.tpd, Math.min(this.lastTick, this.tickOf(text))));
  };

  Model.prototype.setSpeed = function (daysPerSecond) { this.speed = +daysPerSecond; return this; };

  /** Show only some children: {sex, ethnicity, disability, la, age} codes ('' or absent: all). */
  Model.prototype.setFilters = function (filters) {
    this.filters = Object.assign({}, filters);
    this.refilter();
    return this.at(this.t);
  };

  Model.prototype.setColourBy = function (mode) {
    this.colourBy = mode;
    return this.at(this.t);
  };

  Model.prototype.refilter = function () {
    var ch = this.p.children, visible = this.visible;
    var f = {};
    GROUP_FILTERS.concat(['age']).forEach(function (name) {
      var value = this.fixed[name] !== undefined ? this.fixed[name] : this.filters[name];
      f[name] = value === undefined || value === null || value === '' ? -1 : +value;
    }, this);
    for (var c = 0; c < visible.length; c++) {
      visible[c] = (f.sex < 0 || ch.sex[c] === f.sex) &&
        (f.ethnicity < 0 || ch.ethnicity[c] === f.ethnicity) &&
        (f.disability < 0 || ch.disability[c] === f.disability) &&
        (f.la < 0 || ch.la[c] === f.la) ? 1 : 0;
    }
    this.ageFilter = f.age;
    this.buildArrivalTable();
  };

  /** Keep `active` equal to the segments active at tick t (incrementally when moving on). */
  Model.prototype.advance = function (t) {
    var seg = this.p.segments;
    var start = seg.start, end = seg.end, active = this.active;
    if (t < this.activeTick) {
      this.activeCount = geometry.activeAt(start, end, t, active);
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

  /** Whether active segment s is shown at `day` (its child passes the filters). */
  Model.prototype.shown = function (s, day) {
    var c = this.p.segments.child[s];
    if (!this.visible[c]) { return false; }
    return this.ageFilter < 0 || ageBand(this.p.children.birth[c], day, this.data.attributes.ageFrom) === this.ageFilter;
  };

  Model.prototype.colourIndex = function (s, day) {
    var ch = this.p.children, c = this.p.segments.child[s];
    switch (this.colourBy) {
      case 'sex': return ch.sex[c];
      case 'ethnicity': return ch.ethnicity[c];
      case 'disability': return ch.disability[c];
      case 'la': return ch.la[c];
      case 'age': return ageBand(ch.birth[c], day, this.data.attributes.ageFrom);
      default: return Math.min(this.p.segments.cycle[s], 6) - 1;
    }
  };

  /** Place the shown dots at tick t and count them by station. */
  Model.prototype.place = function (t) {
    var p = this.p, seg = p.segments, tpd = this.tpd, grid = this.data.grid;
    var layout = this.layout, stock = this.stock;
    var out = [0, 0, 0, 0];
    var day = t / tpd;
    var k = 0;
    stock.fill(0);
    for (var i = 0; i < this.activeCount; i++) {
      var s = this.active[i];
      if (!this.shown(s, day)) { continue; }
      geometry.placeDot(p.routes[p.segRoute[s]], seg.start[s], seg.end[s], t, tpd, grid, p.seeds[seg.child[s]], out);
      stock[seg.from[s]]++;
      layout.x[k] = out[0];
      layout.y[k] = out[1];
      layout.segment[k] = s;
      layout.colour[k] = this.colourIndex(s, day);
      k++;
    }
    layout.count = k;
  };

  /** Cumulative arrivals per station by day, for the shown children (running totals). */
  Model.prototype.buildArrivalTable = function () {
    var seg = this.p.segments, n = this.data.stations.length, tpd = this.tpd;
    var days = this.data.lastDay - this.data.firstDay + 2;
    var table = new Int32Array(days * n);
    var firstTick = this.firstTick - tpd;  // the start of the first day
    for (var i = 0; i < seg.count; i++) {
      var s = seg.start[i];
      if (s <= firstTick || !this.visible[seg.child[i]]) { continue; }
      var d = Math.ceil(s / tpd) - this.data.firstDay + 1;  // arrivals by the end of day d
      if (d >= days) { continue; }
      table[d * n + seg.from[i]]++;
    }
    for (var row = 1; row < days; row++) {
      for (var st = 0; st < n; st++) { table[row * n + st] += table[(row - 1) * n + st]; }
    }
    this.arrivalTable = table;
    this.arrivalDays = days;
  };

  Model.prototype.countArrivals = function (t) {
    var n = this.data.stations.length, seg = this.p.segments, tpd = this.tpd, arrived = this.arrived;
    var wholeDay = Math.floor(t / tpd);
    var row = Math.min(this.arrivalDays - 1, Math.max(0, wholeDay - this.data.firstDay + 1));
    for (var s = 0; s < n; s++) { arrived[s] = this.arrivalTable[row * n + s]; }
    if (wholeDay - this.data.firstDay + 1 < 0) { arrived.fill(0); return; }
    // Arrivals earlier in the day now in progress.
    var from = upperBound(seg.start, wholeDay * tpd);
    var to = upperBound(seg.start, t);
    for (var i = from; i < to; i++) {
      if (this.visible[seg.child[i]]) { arrived[seg.from[i]]++; }
    }
  };

  function byStation(stations, values) {
    var out = {};
    stations.forEach(function (id, i) { out[id] = values[i]; });
    return out;
  }

  /** Children at each station now, by station id (Python's station_stock on a date). */
  Model.prototype.counts = function () { return byStation(this.data.stations, this.stock); };

  /** Arrivals at each station since the period began, by station id. */
  Model.prototype.arrivals = function () { return byStation(this.data.stations, this.arrived); };

  Model.prototype.dotsDrawn = function () { return this.layout.count; };

  /** The dots for the painter: {count, x, y (map units), segment, colour} (reused buffers). */
  Model.prototype.placed = function () { return this.layout; };

  /** The dots shown now, in map units, with their child, cycle, stations and wait so far. */
  Model.prototype.dots = function () {
    var p = this.p, seg = p.segments, layout = this.layout, stations = this.data.stations;
    var list = [];
    for (var k = 0; k < layout.count; k++) {
      var s = layout.segment[k];
      list.push({
        child: seg.child[s], x: layout.x[k], y: layout.y[k], cycle: seg.cycle[s],
        from: stations[seg.from[s]],
        to: seg.to[s] === OFF ? null : stations[seg.to[s]],
        waitedDays: (this.t - seg.start[s]) / this.tpd
      });
    }
    return list;
  };

  /** Whole days waited so far by each child shown at `station` (index or id), ascending. */
  Model.prototype.waitingAt = function (station) {
    var index = typeof station === 'string' ? this.data.stations.indexOf(station) : station;
    var seg = this.p.segments, layout = this.layout, waits = [];
    for (var k = 0; k < layout.count; k++) {
      var s = layout.segment[k];
      if (seg.from[s] === index) { waits.push(Math.floor((this.t - seg.start[s]) / this.tpd)); }
    }
    return waits.sort(function (a, b) { return a - b; });
  };

  /** The date shown, 'YYYY-MM-DD': the day whose end is at or after the current tick. */
  Model.prototype.date = function () {
    return codec.isoDate(this.data.originDay + Math.ceil(this.t / this.tpd - 1e-9));
  };

  cj.model = {
    DEFAULT_SPEED: DEFAULT_SPEED,
    ageBand: ageBand,
    prepare: prepare,
    create: function (frames, view) { return new Model(frames, view); }
  };
})();
