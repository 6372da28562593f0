/* carejourneys recorder.js: the map as a WebM video or a PNG, made in the browser.
 *
 * A Composer draws one frame of the first map view onto a canvas of its own: the SVG layers
 * as images, the dots, the live counts and the date. The Recorder streams that canvas to
 * MediaRecorder while the player plays; nothing is sent anywhere. The download link offers
 * the video when the recording stops.
 *
 * Plain ES2019 in an IIFE: adds window.carejourneys.recorder, nothing else.
 */
(function () {
  'use strict';

  var cj = window.carejourneys;
  var TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];

  function supported() {
    return typeof window.MediaRecorder === 'function' && !!HTMLCanvasElement.prototype.captureStream;
  }

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

  /** A frame of `view` as one canvas; calls onready(composer) once the map's layers load. */
  function Composer(view, onready) {
    var canvas = view.painter.canvas;
    this.view = view;
    this.canvas = document.createElement('canvas');
    this.canvas.width = canvas.width;
    this.canvas.height = canvas.height;
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
    var view = this.view, model = view.model, ctx = this.context, w = this.canvas.width, h = this.canvas.height;
    var scale = w / model.data.size[0];
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, w, h);
    if (this.layers[0]) { ctx.drawImage(this.layers[0], 0, 0, w, h); }
    ctx.drawImage(view.painter.canvas, 0, 0, w, h);
    if (this.layers[1]) { ctx.drawImage(this.layers[1], 0, 0, w, h); }
    ctx.lineJoin = 'round';
    for (var i = 0; i < this.countAt.length; i++) {
      var at = this.countAt[i];
      if (!at) { continue; }
      var text = model.stock[i].toLocaleString('en-GB') + ' now \u00b7 ' + model.arrived[i].toLocaleString('en-GB') + ' in';
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
    ctx.fillText(model.date(), w - 16 * scale, h - 16 * scale);
  };

  /** Records the player's first map and its dots to WebM (MediaRecorder). */
  function Recorder(player) {
    var self = this;
    this.composer = new Composer(player.views[0], function () { self.frame(); });
    var type = TYPES.filter(function (t) { return window.MediaRecorder.isTypeSupported(t); })[0] || '';
    this.chunks = [];
    this.stream = this.composer.canvas.captureStream(30);
    this.media = new window.MediaRecorder(this.stream, type ? { mimeType: type } : undefined);
    this.media.ondataavailable = function (event) { if (event.data && event.data.size) { self.chunks.push(event.data); } };
    this.media.start(250);
    // A frame drawn after the start: a canvas stream sends a frame only when the canvas is
    // drawn, and one drawn before the start is not in the recording.
    this.frame();
  }

  Recorder.prototype.frame = function () { this.composer.frame(); };

  Recorder.prototype.stop = function () {
    var self = this;
    return new Promise(function (resolve) {
      self.media.onstop = function () {
        var blob = new Blob(self.chunks, { type: self.media.mimeType || 'video/webm' });
        self.stream.getTracks().forEach(function (track) { track.stop(); });
        resolve(blob);
      };
      // A last frame, so even a recording whose player drew nothing meanwhile (a hidden tab)
      // holds the map as it stands.
      self.frame();
      self.media.stop();
    });
  };

  /** The player's current frame as a PNG data URL (resolves once the map's layers load). */
  function snapshot(player) {
    var view = player.views[0];
    return new Promise(function (resolve) {
      return new Composer(view, function (ready) { ready.frame(); resolve(ready.canvas.toDataURL('image/png')); });
    });
  }

  function offerDownload(player, blob) {
    var link = player.root.querySelector('.pathway-download');
    if (!link) { return; }
    if (link.href && link.href.indexOf('blob:') === 0) { URL.revokeObjectURL(link.href); }
    link.href = URL.createObjectURL(blob);
    link.download = 'pathway-map-' + player.views[0].model.date() + '.webm';
    link.textContent = 'Download the video (' + Math.max(1, Math.round(blob.size / 1024)).toLocaleString('en-GB') + ' KB, WebM)';
    link.hidden = false;
  }

  /** Start recording (and playing), or stop and offer the video: resolves with the Blob or null. */
  function toggle(player) {
    var button = player.root.querySelector('[data-action="record"]');
    if (player.recorder) {
      var recorder = player.recorder;
      player.recorder = null;
      if (button) { button.textContent = 'Record video'; button.classList.remove('is-recording'); }
      return recorder.stop().then(function (blob) { offerDownload(player, blob); return blob; });
    }
    player.recorder = new Recorder(player);
    if (button) { button.textContent = 'Stop recording'; button.classList.add('is-recording'); }
    if (!player.playing) { player.play(); }
    return Promise.resolve(null);
  }

  /** Record `seconds` of playing (for tests and scripted exports); resolves with the Blob. */
  function recordFor(player, seconds) {
    if (player.recorder) { return Promise.reject(new Error('already recording')); }
    toggle(player);
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); })
      .then(function () { return toggle(player); });
  }

  cj.recorder = {
    supported: supported,
    snapshot: snapshot,
    toggle: toggle,
    recordFor: recordFor
  };
})();
