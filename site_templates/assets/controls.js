/* carejourneys controls.js: the map page's controls, keyboard and read-outs, bound to a player.
 *
 * Buttons, the date scrubber, speed, colour and filter selects, the keyboard (Space plays and
 * pauses, the arrows step a day, with Shift a month; P or the button enters projector mode, the
 * map filling the window, and Escape leaves it), the station panel, the live counters
 * on the map, the date and total read-outs, and the message shown when the player cannot run.
 * Every action calls the player (player.js); nothing here keeps time.
 *
 * Plain ES2019 in an IIFE: adds window.carejourneys.controls, nothing else.
 */
(function () {
  'use strict';

  var cj = window.carejourneys;
  var MS_PER_DAY = 86400000;

  function bind(player) {
    var root = player.root;
    var tpd = player.tpd;
    player.playButton = root.querySelector('[data-action="play"]');
    player.dateOutput = root.querySelector('.pathway-date');
    player.scrubber = root.querySelector('[data-control="date"]');
    var scrubber = player.scrubber;
    if (scrubber) {
      scrubber.min = String(player.minTick / tpd);
      scrubber.max = String(player.maxTick / tpd);
      scrubber.step = '1';
      scrubber.addEventListener('input', function () { player.seekTick(+scrubber.value * tpd); });
    }
    root.addEventListener('click', function (event) {
      var target = event.target.closest('[data-action], [data-jump], [data-station]');
      if (!target || !root.contains(target)) { return; }
      if (target.hasAttribute('data-jump')) { player.pause(); player.seekDate(target.getAttribute('data-jump')); return; }
      if (target.hasAttribute('data-station')) {
        // A station these data cannot measure has no figures to show (its panel would read 0).
        if (!target.hasAttribute('data-unmeasured')) { openPanel(player, target.getAttribute('data-station'), target); }
        return;
      }
      var action = target.getAttribute('data-action');
      if (action === 'play') { player.toggle(); }
      else if (action === 'back') { player.pause(); player.step(-1); }
      else if (action === 'forward') { player.pause(); player.step(1); }
      else if (action === 'record') { cj.recorder.toggle(player); }
      else if (action === 'close-panel') { closePanel(player); }
      else if (action === 'projector') { projector(player, !root.classList.contains('is-projector')); }
    });
    root.addEventListener('keydown', function (event) {
      var station = event.target.closest && event.target.closest('[data-station]');
      if (station && !station.hasAttribute('data-unmeasured') && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        openPanel(player, station.getAttribute('data-station'), station);
      }
    });
    document.addEventListener('keydown', function (event) { onKey(player, event); });
    root.addEventListener('change', function (event) {
      var el = event.target;
      if (el.getAttribute('data-control') === 'speed') { player.setSpeed(+el.value); }
      else if (el.getAttribute('data-control') === 'colour') { player.setColour(el.value); }
      else if (el.hasAttribute('data-filter')) { player.setFilter(el.getAttribute('data-filter'), el.value); }
    });
    var speed = root.querySelector('[data-control="speed"]');
    if (speed && +speed.value) { player.setSpeed(+speed.value); }
    // Canvas size follows the map's: measured on resize only, never per frame (no forced layout).
    var onResize = function () {
      player.views.forEach(function (v) { v.painter.resize(); });
      if (!player.playing && player.firstFrameMs !== null) { player.draw(); }
    };
    if (typeof window.ResizeObserver === 'function') {
      var observer = new window.ResizeObserver(onResize);
      player.views.forEach(function (v) { observer.observe(v.painter.stage); });
    } else {
      window.addEventListener('resize', onResize);
    }
    var record = root.querySelector('[data-action="record"]');
    if (record && !cj.recorder.supported()) {
      record.disabled = true;
      record.title = 'This browser cannot record video';
    }
  }

  function onKey(player, event) {
    var el = event.target, root = player.root;
    var inside = el === document.body || el === document.documentElement || root.contains(el);
    if (!inside || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = (el.tagName || '').toLowerCase();
    var native = tag === 'button' || tag === 'select' || tag === 'textarea' || tag === 'a' ||
      (tag === 'input' && el.type !== 'range') || (el.closest && el.closest('[data-station]'));
    if (event.key === 'Escape' && root.classList.contains('is-projector')) { event.preventDefault(); projector(player, false); }
    else if ((event.key === 'p' || event.key === 'P') && !event.shiftKey && tag !== 'input' && tag !== 'select' && tag !== 'textarea') {
      event.preventDefault();
      projector(player, !root.classList.contains('is-projector'));
    }
    else if (event.key === ' ' && !native) { event.preventDefault(); player.toggle(); }
    // Arrows step the days from anywhere but a field that uses them itself (a button does not).
    else if ((event.key === 'ArrowLeft' || event.key === 'ArrowRight') && tag !== 'input' && tag !== 'select' && tag !== 'textarea') {
      event.preventDefault();
      player.pause();
      player.step((event.key === 'ArrowLeft' ? -1 : 1) * (event.shiftKey ? 30 : 1));
    }
  }

  /** Projector mode on or off: the map (both maps of a comparison) fills the window, labels
   *  grow with it, and the keyboard drives it (Space, the arrows, Escape to leave). */
  function projector(player, on) {
    var root = player.root;
    root.classList.toggle('is-projector', on);
    document.documentElement.classList.toggle('has-projector', on);
    var button = root.querySelector('[data-action="projector"]');
    if (button) {
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.textContent = on ? 'Leave projector mode' : 'Projector mode';
    }
    if (on && player.playButton) { player.playButton.focus(); } else if (!on && button) { button.focus(); }
    player.views.forEach(function (v) { v.painter.resize(); });
    if (!player.playing && player.firstFrameMs !== null) { player.draw(); }
  }

  /** A select showing `value` after a change made through the hooks. */
  function sync(root, selector, value) {
    var select = root.querySelector(selector);
    if (select && select.value !== String(value)) { select.value = String(value); }
  }

  function showPlaying(player) {
    if (!player.playButton) { return; }
    player.playButton.textContent = player.playing ? 'Pause' : 'Play';
    player.root.classList.toggle('is-playing', player.playing);
  }

  function showTime(player) {
    var view = player.views[0], tpd = player.tpd, root = player.root;
    var dayIndex = Math.ceil(player.t / tpd - 1e-9);
    if (dayIndex === player.shownDay) { return; }
    player.shownDay = dayIndex;
    if (player.scrubber) { player.scrubber.value = String(dayIndex); }
    var texts = player.views.map(function (v) {
      var d = new Date(v.dayAt(dayIndex) * MS_PER_DAY);
      return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    });
    var unique = texts.filter(function (x, i) { return texts.indexOf(x) === i; });
    if (player.dateOutput) { player.dateOutput.textContent = unique.join(' | '); }
    if (player.scrubber) { player.scrubber.setAttribute('aria-valuetext', unique.join(', ')); }
    // A marked date (an inspection) is named beside the date for a month after it.
    var note = root.querySelector('.pathway-event');
    if (note) {
      var recent = view.model.data.annotations.filter(function (a) { return dayIndex - a.day >= 0 && dayIndex - a.day < 31; });
      var said = recent.map(function (a) {  // a.date is ISO (the data); prose says day month year
        var when = new Date(a.date + 'T00:00:00Z').toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
        return a.label + ' (' + when + ')';
      }).join('; ');
      if (note.textContent !== said) { note.textContent = said; }
    }
    var labels = root.querySelectorAll('.pathway-view-date');
    for (var i = 0; i < labels.length; i++) { labels[i].textContent = texts[i] || ''; }
  }

  function showTotal(player) {
    var node = player.root.querySelector('.pathway-total');
    if (!node) { return; }
    var text = player.views.map(function (v) { return v.model.dotsDrawn().toLocaleString('en-GB'); }).join(' and ');
    text += player.views.length > 1 ? ' children on the maps' : ' children on the map';
    if (node.textContent !== text) { node.textContent = text; }
  }

  /** The "N now · M in" lines of a view's stations, rewritten only when they change. */
  function showCounts(view) {
    var stock = view.model.stock, arrived = view.model.arrived;
    for (var i = 0; i < stock.length; i++) {
      var key = stock[i] + ':' + arrived[i];
      if (view.shownCounts[i] === key) { continue; }
      view.shownCounts[i] = key;
      if (view.countNodes[i]) { view.countNodes[i].textContent = stock[i].toLocaleString('en-GB') + ' now'; }
      if (view.arrivedNodes[i]) { view.arrivedNodes[i].textContent = arrived[i].toLocaleString('en-GB') + ' in'; }
    }
  }

  function openPanel(player, stationId, opener) {
    var panel = player.root.querySelector('.pathway-panel');
    if (!panel) { return; }
    var model = player.views[0].model, data = model.data;
    var index = data.stations.indexOf(stationId);
    if (index < 0) { return; }
    var summary = data.summary[index];
    var waits = model.waitingAt(index);
    var labelOf = function (id) {
      if (id === 'left') { return 'left the map'; }
      if (id === 'still') { return 'still there at the end of the data'; }
      return data.stationLabels[data.stations.indexOf(id)] || id;
    };
    var fmt = function (n) { return n === null || n === undefined ? 'not available' : n.toLocaleString('en-GB'); };
    panel.querySelector('.pathway-panel-title').textContent = data.stationLabels[index];
    panel.querySelector('[data-panel="now"]').textContent = fmt(waits.length) + (waits.length === 1 ? ' child' : ' children');
    panel.querySelector('[data-panel="now-label"]').textContent = 'Waiting on ' + model.date();
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
    player.panelOpener = opener;
    panel.querySelector('.pathway-panel-title').focus();
  }

  function closePanel(player) {
    var panel = player.root.querySelector('.pathway-panel');
    if (panel) { panel.hidden = true; }
    if (player.panelOpener) { player.panelOpener.focus(); }
  }

  /** Why the animation cannot run, said on the page above the (still readable) static map. */
  function showError(root, message) {
    var note = document.createElement('p');
    note.className = 'pathway-error';
    note.setAttribute('role', 'alert');
    note.textContent = 'The animation cannot run: ' + message;
    root.insertBefore(note, root.firstChild);
  }

  cj.controls = {
    bind: bind,
    sync: sync,
    showPlaying: showPlaying,
    showTime: showTime,
    showTotal: showTotal,
    showCounts: showCounts,
    openPanel: openPanel,
    closePanel: closePanel,
    showError: showError
  };
})();
