/* carejourneys codec.js: the pathway map's payload (generator/frames.py) decoded for the player.
 *
 * The format's constants are Python's (generator/pathway/codec.py); FORMAT mirrors them and the
 * node tests compare it with the golden JSON that Python writes. A payload of another version
 * is refused with a FormatError that the player shows on the page. Visits arrive as base64
 * typed arrays (little-endian, as every platform browsers run on) and leave as segments, one
 * per visit to a station, sorted by start tick. Time is in ticks (ticksPerDay to a day) from
 * the payload's originDay; "on date D" is tick D * ticksPerDay.
 *
 * Plain ES2019 in an IIFE: adds window.carejourneys.codec, nothing else.
 */
(function () {
  'use strict';

  var FORMAT = Object.freeze({
    version: 1,
    offCode: 255,
    maxCycle: 15,
    unknownBirth: -32768,
    firstVisitBit: 0x80,
    slotShift: 4,
    slotMask: 0x7,
    cycleMask: 0xF
  });
  var OPEN = 2147483647;  // end tick of a visit still open at the end of the data
  var OFF = FORMAT.offCode;
  var MS_PER_DAY = 86400000;

  function FormatError(message) {
    this.name = 'FormatError';
    this.message = message;
  }
  FormatError.prototype = Object.create(Error.prototype);
  FormatError.prototype.constructor = FormatError;

  /** Throws a FormatError unless `frames` is in the format this player reads. */
  function check(frames) {
    var version = frames && frames.version;
    if (version !== FORMAT.version) {
      throw new FormatError('invalid pathway data: format version ' + version + ', but this player reads version ' +
        FORMAT.version + '. Rebuild the report so that its data and its scripts come from one carejourneys version.');
    }
  }

  function decodeBase64(text) {
    var binary = atob(text);
    var n = binary.length;
    var bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function typed(bytes, Type) { return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT); }

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
    var dday = typed(decodeBase64(data.visits.dday), Uint16Array);
    var station = decodeBase64(data.visits.station);
    var info = decodeBase64(data.visits.info);
    var firstBit = FORMAT.firstVisitBit, slotShift = FORMAT.slotShift, slotMask = FORMAT.slotMask;
    var n = station.length;
    var lastTick = data.lastDay * tpd;
    var tick = new Int32Array(n);
    var day = 0;
    var count = 0;
    var i;
    for (i = 0; i < n; i++) {
      day = (info[i] & firstBit) ? dday[i] : day + dday[i];
      tick[i] = day * tpd - ((info[i] >> slotShift) & slotMask);
      if (station[i] !== OFF && tick[i] <= lastTick) { count++; }
    }
    var start = new Int32Array(count), end = new Int32Array(count), child = new Int32Array(count);
    var from = new Uint8Array(count), to = new Uint8Array(count), cycle = new Uint8Array(count);
    var c = -1, k = 0, minTick = 0, maxTick = 0;
    for (i = 0; i < n; i++) {
      if (info[i] & firstBit) { c++; }
      if (station[i] === OFF || tick[i] > lastTick) { continue; }
      var last = i + 1 >= n || (info[i + 1] & firstBit);
      start[k] = tick[i];
      end[k] = last ? OPEN : tick[i + 1];
      to[k] = last ? OFF : station[i + 1];
      from[k] = station[i];
      child[k] = c;
      cycle[k] = info[i] & FORMAT.cycleMask;
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

  /** The per-child attribute codes (typed arrays over the decoded bytes). */
  function decodeChildren(data) {
    return {
      sex: decodeBase64(data.children.sex),
      ethnicity: decodeBase64(data.children.ethnicity),
      disability: decodeBase64(data.children.disability),
      la: typed(decodeBase64(data.children.la), Uint16Array),
      birth: typed(decodeBase64(data.children.birth), Int16Array)
    };
  }

  /** A checked payload's segments and children; throws FormatError on another version. */
  function decode(frames) {
    check(frames);
    return { segments: buildSegments(frames), children: decodeChildren(frames) };
  }

  var cj = window.carejourneys = window.carejourneys || {};
  cj.codec = {
    FORMAT: FORMAT,
    OPEN: OPEN,
    OFF: OFF,
    FormatError: FormatError,
    check: check,
    decode: decode,
    decodeBase64: decodeBase64,
    buildSegments: buildSegments,
    decodeChildren: decodeChildren,
    dayNumber: dayNumber,
    isoDate: isoDate
  };
})();
