/* carejourneys player.js: the animated pathway map, wired from the other player scripts.
 *
 * Every child is a dot on the tube map. A player owns one clock (`t`, in the first view's
 * ticks) for the one or two map views of a page: each view is a model (model.js, its state at
 * `t` plus the view's offset: a second period runs a year apart) and a painter (painter.js).
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
    this.views.forEach(function (v) { v.offsetTicks = v.model.firstTick - main.firstTick; });
    this.tpd = main.tpd;
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
    for (var i = 0; i < this.views.length; i++) { this.views[i].model.at(t + this.views[i].offsetTicks); }
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
    this.seekTick(view.model.tickOf(text) - view.offsetTicks);
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
