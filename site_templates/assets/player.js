/* carejourneys player.js: the animated pathway map, wired from the other player scripts.
 *
 * Every child is a dot on the tube map. A player owns one clock (`t`, in the first view's
 * ticks) for the one or two map views of a page: each view is a model (model.js, its state at
 * `t` moved to the view's time: a second period runs whole calendar years apart, on the same
 * day of the year across a leap year) and a painter (painter.js).
 * Time moves only through tick(ms): while playing, requestAnimationFrame calls it with the
 * milliseconds since the last frame; tests call it through the hooks with no clock at all.
 * Loaded after codec.js, geometry.js, model.js, painter.js, controls.js and recorder.js.
 *
 * Hooks (DESIGN.md): each map view is pushed onto window.carejourneys.players with play(),
 * pause(), seek('YYYY-MM-DD'), tick(ms), state() and more (View.hooks). Plain ES2019 in an
 * IIFE; no globals besides window.carejourneys.
 */
(function () {
  'use strict';

  var cj = window.carejourneys;
  var controls = cj.controls;
  var MAX_FRAME_MS = 250;  // a frame after a stall (a background tab) moves at most this far
  var FRAME_SAMPLES = 90;
  var MS_PER_DAY = 86400000;

  /** The day number (days since 1970-01-01) `years` calendar years after `day`; 29 February
   *  goes to 28 February in a common year. */
  function addYears(day, years) {
    var d = new Date(day * MS_PER_DAY);
    var y = d.getUTCFullYear() + years, month = d.getUTCMonth(), date = d.getUTCDate();
    var leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    if (month === 1 && date === 29 && !leap) { date = 28; }
    return Date.UTC(y, month, date) / MS_PER_DAY;
  }

  function View(player, root, model) {
    this.player = player;
    this.root = root;
    this.model = model;
    this.offsetTicks = 0;
    this.painter = cj.painter.create(root.querySelector('.pathway-stage'), root.querySelector('canvas'), model.data.size);
    this.countNodes = [];
    this.arrivedNodes = [];
    this.shownCounts = [];
    model.data.stations.forEach(function (id, i) {
      this.countNodes[i] = root.querySelector('[data-count="' + id + '"]');
      this.arrivedNodes[i] = root.querySelector('[data-arrived="' + id + '"]');
    }, this);
  }

  /** The view's tick at the clock's tick `t`. A view whole years after the first runs on the same
   *  day of the year (so 15 May 2016 pairs with 15 May 2017 across 29 February); any other
   *  view keeps a fixed offset. */
  View.prototype.tickAt = function (t) {
    if (!this.years) { return t + this.offsetTicks; }
    var tpd = this.player.tpd, main = this.player.views[0].model;
    var dayIndex = Math.ceil(t / tpd - 1e-9), within = t / tpd - (dayIndex - 1);
    var day = addYears(main.data.originDay + dayIndex, this.years);
    return (day - this.model.data.originDay - 1 + within) * tpd;
  };

  /** The clock's tick at the view's tick `tick` (tickAt's inverse). */
  View.prototype.clockTick = function (tick) {
    if (!this.years) { return tick - this.offsetTicks; }
    var tpd = this.player.tpd, main = this.player.views[0].model;
    var dayIndex = Math.ceil(tick / tpd - 1e-9), within = tick / tpd - (dayIndex - 1);
    var day = addYears(this.model.data.originDay + dayIndex, -this.years);
    return (day - main.data.originDay - 1 + within) * tpd;
  };

  /** The day number the view shows when the clock is on day `dayIndex` (of the first view). */
  View.prototype.dayAt = function (dayIndex) {
    var main = this.player.views[0].model;
    if (!this.years) { return this.model.data.originDay + dayIndex + this.offsetTicks / this.player.tpd; }
    return addYears(main.data.originDay + dayIndex, this.years);
  };

  View.prototype.draw = function (colours) {
    this.painter.paint(this.model.placed(), colours);
    controls.showCounts(this);
  };

  /** The object pushed onto window.carejourneys.players (DESIGN.md's hooks). */
  View.prototype.hooks = function () {
    var self = this, player = this.player, model = this.model;
    return {
      element: this.root,
      play: function () { player.play(); },
      pause: function () { player.pause(); },
      seek: function (date) { player.seekDate(date, self); },
      tick: function (ms) { player.tick(ms); },
      state: function () {
        return {
          date: model.date(),
          playing: player.playing,
          dotsDrawn: model.dotsDrawn(),
          stationCounts: model.counts(),
          arrivals: model.arrivals(),
          fps: player.fps(),
          drawMs: player.drawMs(),
          firstFrameMs: player.firstFrameMs,
          tick: model.t,
          speed: player.speed,
          colourBy: player.colourBy,
          filters: Object.assign({}, player.filters),
          segments: model.p.segments.count
        };
      },
      dots: function () { return model.dots(); },
      setFilter: function (name, value) { player.setFilter(name, value); },
      setColour: function (mode) { player.setColour(mode); },
      setSpeed: function (daysPerSecond) { player.setSpeed(daysPerSecond); },
      record: function (seconds) { return cj.recorder.recordFor(player, seconds); },
      snapshot: function () { return cj.recorder.snapshot(player); }
    };
  };

  function Player(root, payload) {
    var self = this;
    this.root = root;
    this.payload = payload;
    this.playing = false;
    this.speed = cj.model.DEFAULT_SPEED;
    this.filters = {};
    this.colourBy = 'cycle';
    this.intervals = [];
    this.drawTimes = [];
    this.firstFrameMs = null;
    this.lastFrame = null;
    this.frameRequest = null;
    this.recorder = null;
    this.placeMs = 0;
    var elements = root.querySelectorAll('.pathway-view');
    this.views = payload.views.map(function (spec, i) {
      return new View(self, elements[i], cj.model.create(payload.frames[spec.frames], { filter: spec.filter }));
    });
    var main = this.views[0].model;
    this.tpd = main.tpd;
    var firstDay = main.data.originDay + main.firstTick / main.tpd;
    this.views.forEach(function (v) {
      v.offsetTicks = v.model.firstTick - main.firstTick;
      var viewFirst = v.model.data.originDay + v.model.firstTick / main.tpd;
      var years = Math.round((viewFirst - firstDay) / 365.25);
      v.years = years !== 0 && addYears(firstDay, years) === viewFirst ? years : 0;
    });
    this.minTick = main.firstTick;
    this.maxTick = main.lastTick;
    this.moveTo(main.firstTick);
    this.setPalette();
    controls.bind(this);
  }

  /** Every view to the clock's tick t (nothing drawn). */
  Player.prototype.moveTo = function (t) {
    var began = performance.now();
    this.t = t;
    for (var i = 0; i < this.views.length; i++) { this.views[i].model.at(this.views[i].tickAt(t)); }
    this.placeMs += performance.now() - began;  // drawMs counts placing the dots and painting them
  };

  /** Play `ms` milliseconds at the current speed and draw; pauses at the end of the period. */
  Player.prototype.tick = function (ms) {
    if (ms > 0) { this.moveTo(Math.min(this.maxTick, this.t + ms / 1000 * this.speed * this.tpd)); }
    this.draw();
    if (this.playing && this.t >= this.maxTick) { this.pause(); }
  };

  Player.prototype.setPalette = function () {
    this.palette32 = cj.painter.palette(this.payload.palettes[this.colourBy] || this.payload.palettes.cycle);
  };

  Player.prototype.draw = function () {
    var began = performance.now();
    for (var i = 0; i < this.views.length; i++) { this.views[i].draw(this.palette32); }
    this.drawTimes.push(performance.now() - began + this.placeMs);
    this.placeMs = 0;
    if (this.drawTimes.length > FRAME_SAMPLES) { this.drawTimes.shift(); }
    if (this.firstFrameMs === null) { this.firstFrameMs = performance.now(); }
    controls.showTime(this);
    controls.showTotal(this);
    if (this.recorder) { this.recorder.frame(); }
  };

  Player.prototype.play = function () {
    if (this.playing) { return; }
    if (this.t >= this.maxTick) { this.moveTo(this.minTick); }
    this.playing = true;
    this.lastFrame = null;
    this.intervals = [];
    var self = this;
    var frame = function (now) {
      if (!self.playing) { return; }
      var ms = 0;
      if (self.lastFrame !== null) {
        self.intervals.push(now - self.lastFrame);
        if (self.intervals.length > FRAME_SAMPLES) { self.intervals.shift(); }
        ms = Math.min(MAX_FRAME_MS, now - self.lastFrame);
      }
      self.lastFrame = now;
      self.tick(ms);
      if (self.playing) { self.frameRequest = window.requestAnimationFrame(frame); }
    };
    this.frameRequest = window.requestAnimationFrame(frame);
    controls.showPlaying(this);
  };

  Player.prototype.pause = function () {
    this.playing = false;
    if (this.frameRequest !== null) { window.cancelAnimationFrame(this.frameRequest); this.frameRequest = null; }
    controls.showPlaying(this);
  };

  Player.prototype.toggle = function () { if (this.playing) { this.pause(); } else { this.play(); } };

  Player.prototype.seekTick = function (tick) {
    this.moveTo(Math.max(this.minTick - this.tpd, Math.min(this.maxTick, tick)));
    this.draw();
  };

  /** Seek to 'YYYY-MM-DD' (the end of that day) or 'YYYY-MM-DDTHH:MM' (that time of the day). */
  Player.prototype.seekDate = function (text, view) {
    view = view || this.views[0];
    this.seekTick(view.clockTick(view.model.tickOf(text)));
  };

  Player.prototype.step = function (days) {
    this.seekTick((Math.round(this.t / this.tpd) + days) * this.tpd);
  };

  Player.prototype.setSpeed = function (daysPerSecond) {
    this.speed = +daysPerSecond;
    this.views.forEach(function (v) { v.model.setSpeed(daysPerSecond); });
    controls.sync(this.root, '[data-control="speed"]', daysPerSecond);
  };

  Player.prototype.setFilter = function (name, value) {
    this.filters[name] = value === '' || value === null || value === undefined ? '' : String(value);
    controls.sync(this.root, '[data-filter="' + name + '"]', this.filters[name]);
    var filters = this.filters;
    this.views.forEach(function (v) { v.model.setFilters(filters); });
    this.draw();
  };

  Player.prototype.setColour = function (mode) {
    this.colourBy = this.payload.palettes[mode] ? mode : 'cycle';
    controls.sync(this.root, '[data-control="colour"]', this.colourBy);
    var keys = this.root.querySelectorAll('[data-key]');
    for (var i = 0; i < keys.length; i++) { keys[i].hidden = keys[i].getAttribute('data-key') !== this.colourBy; }
    this.setPalette();
    var colourBy = this.colourBy;
    this.views.forEach(function (v) { v.model.setColourBy(colourBy); });
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

  // ------------------------------------------------------------------ start-up
  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  function startOne(root) {
    var payload = (window.carejourneysData || {})[root.getAttribute('data-pathway')];
    if (!payload) { throw new Error('invalid pathway data: ' + root.getAttribute('data-pathway') + ' is not loaded'); }
    payload.frames.forEach(cj.codec.check);
    var interactive = root.querySelector('.pathway-interactive');
    if (interactive) { interactive.hidden = false; }
    var player = new Player(root, payload);
    player.views.forEach(function (v) { cj.players.push(v.hooks()); });
    player.draw();
    root.classList.add('is-ready');
    if (root.getAttribute('data-autoplay') !== 'false' && !reducedMotion()) { player.play(); }
    return player;
  }

  function start() {
    cj.players = cj.players || [];
    var roots = document.querySelectorAll('[data-pathway]');
    Array.prototype.forEach.call(roots, function (root) {
      var drawn = new Promise(function (resolve) { resolve(startOne(root)); });
      drawn.catch(function (error) {
        controls.showError(root, error.message);
        console.error('carejourneys: ' + error.message);
      });
      if (typeof cj.whenDrawn === 'function') { cj.whenDrawn(drawn); }
    });
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
