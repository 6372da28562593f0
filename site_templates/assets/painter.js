/* carejourneys painter.js: the dots on a map view's canvas.
 *
 * Dots are stamped into one ImageData per frame (tens of thousands of dots without a GPU); the
 * map itself is SVG, under and over the canvas. The painter knows pixels only: positions and
 * colour indexes come from the model (model.js placed()).
 *
 * Plain ES2019 in an IIFE: adds window.carejourneys.painter, nothing else.
 */
(function () {
  'use strict';

  var DOT_RADIUS = 2.3;  // CSS pixels
  var RING = [40, 40, 40];
  var RING_ALPHA = 150;

  function parseColour(hex) {
    var v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }

  function rgba32(rgb, alpha) {  // ImageData pixel as a little-endian Uint32
    return ((alpha << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0;
  }

  /** Colours ('#rrggbb') as ImageData pixels. */
  function palette(colours) {
    return colours.map(function (hex) { return rgba32(parseColour(hex), 255); });
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

  /** Paints on `canvas`, sized to `stage`, a map `size` ([width, height]) units large. */
  function Painter(stage, canvas, size) {
    this.stage = stage;
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    this.size = size;
    this.ring32 = rgba32(RING, RING_ALPHA);
    this.resize();
  }

  /** Follow the stage's size (measured on resize only, never per frame: no forced layout). */
  Painter.prototype.resize = function () {
    var rect = this.stage.getBoundingClientRect();
    var dpr = Math.min(2, window.devicePixelRatio || 1);
    var width = Math.max(1, Math.round(rect.width * dpr));
    var height = Math.max(1, Math.round(rect.height * dpr));
    if (width === this.canvas.width && height === this.canvas.height && this.image) { return; }
    this.canvas.width = width;
    this.canvas.height = height;
    this.image = this.context.createImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.scaleX = width / this.size[0];
    this.scaleY = height / this.size[1];
    this.sprite = sprite(Math.max(1.2, DOT_RADIUS * dpr * Math.min(1.3, Math.max(0.6, rect.width / this.size[0]))));
  };

  /** Draw the placed dots ({count, x, y, colour}) with `colours` (ImageData pixels). */
  Painter.prototype.paint = function (placed, colours) {
    var pixels = this.pixels, width = this.canvas.width, height = this.canvas.height;
    var fill = this.sprite.fill, ringOffsets = this.sprite.ring, ring = this.ring32;
    var sx = this.scaleX, sy = this.scaleY;
    pixels.fill(0);
    for (var k = 0; k < placed.count; k++) {
      var px = Math.round(placed.x[k] * sx), py = Math.round(placed.y[k] * sy);
      var colour = colours[placed.colour[k]] || colours[0];
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
  };

  window.carejourneys.painter = {
    palette: palette,
    sprite: sprite,
    create: function (stage, canvas, size) { return new Painter(stage, canvas, size); }
  };
})();
