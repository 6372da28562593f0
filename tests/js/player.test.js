// The player's pure functions (geometry.js, codec.js, model.js), without a browser: node --test tests/js/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');

const { loadPlayer } = require('./load_player.js');

const window = loadPlayer();
const { codec, geometry, model } = window.carejourneys;
// One name for the functions the tests below call, wherever they now live.
const player = {
  ...geometry, ageBand: model.ageBand, buildSegments: codec.buildSegments, dayNumber: codec.dayNumber,
  isoDate: codec.isoDate, OPEN: codec.OPEN, OFF: codec.OFF
};

const close = (actual, expected, digits = 6) =>
  assert.ok(Math.abs(actual - expected) < 10 ** -digits, `${actual} is not ${expected}`);

test('the scripts add window.carejourneys and nothing else', () => {
  const names = ['codec.js', 'geometry.js', 'model.js', 'painter.js', 'controls.js', 'recorder.js'];
  const loaded = loadPlayer(names);
  assert.deepEqual(Object.keys(loaded), ['carejourneys']);
  assert.deepEqual(Object.keys(loaded.carejourneys).sort(),
    ['codec', 'controls', 'geometry', 'model', 'painter', 'recorder']);
  assert.equal(typeof globalThis.upperBound, 'undefined');
  assert.equal(typeof globalThis.carejourneys, 'undefined');
});

test('upperBound finds the first element greater than the value', () => {
  const sorted = Int32Array.from([0, 0, 3, 5, 5, 5, 9]);
  assert.equal(player.upperBound(sorted, -1), 0);
  assert.equal(player.upperBound(sorted, 0), 2);
  assert.equal(player.upperBound(sorted, 4), 3);
  assert.equal(player.upperBound(sorted, 5), 6);
  assert.equal(player.upperBound(sorted, 9), 7);
  assert.equal(player.upperBound(sorted, 5, 0, 4), 4);
});

test('activeAt keeps segments with start <= t < end', () => {
  const start = Int32Array.from([0, 2, 2, 4, 8]);
  const end = Int32Array.from([10, 4, 3, 6, 9]);
  const out = new Int32Array(5);
  const at = (t) => Array.from(out.subarray(0, player.activeAt(start, end, t, out)));
  assert.deepEqual(at(-1), []);
  assert.deepEqual(at(2), [0, 1, 2]);
  assert.deepEqual(at(3), [0, 1]);      // segment 2 ended at 3
  assert.deepEqual(at(4), [0, 3]);      // segment 1 ended, segment 3 began
  assert.deepEqual(at(8), [0, 4]);
  assert.deepEqual(at(10), []);
});

test('traverse offset grows with the wait and is capped', () => {
  assert.equal(player.traverseOffset(0, 64), 0);
  assert.equal(player.traverseOffset(-3, 64), 0);
  const week = player.traverseOffset(7, 64), month = player.traverseOffset(30, 64), year = player.traverseOffset(365, 64);
  assert.ok(week > 0 && month > week && year >= month);
  close(player.traverseOffset(4, 100), 0.03 * 100 * 2);
  close(player.traverseOffset(100000, 64), 0.42 * 64);
});

test('the drift fades out as the dot reaches its next station', () => {
  assert.equal(player.envelope(0), 1);
  assert.equal(player.envelope(0.5), 1);
  close(player.envelope(0.8), 1);
  close(player.envelope(0.9), 0.5);
  assert.equal(player.envelope(1), 0);
});

test('hashUnit is deterministic, in [0, 1) and spread', () => {
  assert.equal(player.hashUnit(42), player.hashUnit(42));
  const values = Array.from({ length: 1000 }, (_, i) => player.hashUnit(i));
  assert.ok(values.every((v) => v >= 0 && v < 1));
  const low = values.filter((v) => v < 0.5).length;
  assert.ok(low > 400 && low < 600);
});

test('pointAlong walks a polyline and gives the unit normal', () => {
  // An L: (0,0) -> (10,0) -> (10,10).
  const xy = Float64Array.from([0, 0, 10, 0, 10, 10]);
  const cum = player.cumulativeLengths(xy);
  assert.deepEqual(Array.from(cum), [0, 10, 20]);
  let p = player.pointAlong(xy, cum, 0, 3, 5);
  assert.deepEqual(p.slice(0, 2), [5, 0]);
  assert.deepEqual(p.slice(2).map((v) => v + 0), [0, 1]);   // normal of a rightward run
  p = player.pointAlong(xy, cum, 0, 3, 15);
  assert.deepEqual(p.slice(0, 2), [10, 5]);
  assert.deepEqual(p.slice(2).map((v) => v + 0), [-1, 0]);
  assert.deepEqual(player.pointAlong(xy, cum, 0, 3, -4).slice(0, 2), [0, 0]);   // clamped
  assert.deepEqual(player.pointAlong(xy, cum, 0, 3, 99).slice(0, 2), [10, 10]);
});

test('pointAlong works on a route stored inside a larger array', () => {
  const xy = Float64Array.from([7, 7, 0, 0, 0, 8]);   // a one-point route, then (0,0) -> (0,8)
  const cum = new Float64Array(3);
  cum.set(player.cumulativeLengths(xy.subarray(2, 6)), 1);
  assert.deepEqual(player.pointAlong(xy, cum, 1, 2, 2).slice(0, 2), [0, 2]);
  assert.deepEqual(player.pointAlong(xy, cum, 0, 1, 5).slice(0, 2), [7, 7]);
});

function straightRoute(x0, y0, x1, y1) {
  const xy = Float64Array.from([x0, y0, x1, y1]);
  const cum = player.cumulativeLengths(xy);
  return { xy, cum, first: 0, count: 2, length: cum[1] };
}

test('a dot is placed by the fraction of the child\'s time elapsed', () => {
  const route = straightRoute(0, 0, 100, 0);
  const out = [0, 0, 0, 0];
  const tpd = 8;
  // 10 days from station to station: on day 5 of 10 the dot is half way along.
  player.placeDot(route, 0, 80, 40, tpd, 64, 0.75, out);
  close(out[0], 50);
  assert.ok(Math.abs(out[1]) > 0, 'a waiting dot drifts off the track');
  // It leaves from its station and arrives on the track at the next one.
  player.placeDot(route, 0, 80, 0, tpd, 64, 0.75, out);
  assert.deepEqual(out.slice(0, 2), [0, 0]);
  player.placeDot(route, 0, 80, 80, tpd, 64, 0.75, out);
  close(out[0], 100); close(out[1], 0);
});

test('a same-day move is still a move: half a day in, the dot is half way', () => {
  const route = straightRoute(0, 0, 60, 0);
  const out = [0, 0, 0, 0];
  player.placeDot(route, 4, 8, 6, 8, 64, 0.3, out);   // contact at tick 4, referral at tick 8
  close(out[0], 30);
  assert.ok(Math.abs(out[1]) < 2, 'a same-day move barely drifts');
});

test('slow cases drift further than quick ones at the same point of their journey', () => {
  const route = straightRoute(0, 0, 100, 0);
  const quick = [0, 0, 0, 0], slow = [0, 0, 0, 0];
  player.placeDot(route, 0, 8 * 4, 8 * 2, 8, 64, 0.9, quick);     // 2 of 4 days
  player.placeDot(route, 0, 8 * 200, 8 * 100, 8, 64, 0.9, slow);  // 100 of 200 days
  close(quick[0], slow[0]);
  assert.ok(Math.abs(slow[1]) > 3 * Math.abs(quick[1]));
});

test('a child with nowhere to go waits around the station, further the longer', () => {
  const route = { xy: Float64Array.from([10, 20]), cum: Float64Array.from([0]), first: 0, count: 1, length: 0 };
  const early = [0, 0, 0, 0], late = [0, 0, 0, 0];
  player.placeDot(route, 0, player.OPEN, 8, 8, 64, 0.2, early);
  player.placeDot(route, 0, player.OPEN, 8 * 300, 8, 64, 0.2, late);
  const distance = (p) => Math.hypot(p[0] - 10, p[1] - 20);
  assert.ok(distance(late) > distance(early));
  assert.ok(distance(late) <= (0.12 + 0.42) * 64 + 1e-9);
});

test('age bands from the birth day', () => {
  const from = [0, 1, 5, 10, 16];
  assert.equal(player.ageBand(0, 100, from), 0);
  assert.equal(player.ageBand(0, 366, from), 1);
  assert.equal(player.ageBand(0, 365.25 * 12, from), 3);
  assert.equal(player.ageBand(0, 365.25 * 17, from), 4);
  assert.equal(player.ageBand(-32768, 100, from), 5);   // not known
});

function b64(typed) { return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64'); }

test('buildSegments decodes visits into segments sorted by start', () => {
  // Child 0: contact day 10 (slot 4), referral day 10, off day 20. Child 1: referral day 5, still open.
  const dday = Uint16Array.from([10, 0, 10, 5]);
  const station = Uint8Array.from([0, 3, 255, 3]);
  const info = Uint8Array.from([128 | (4 << 4) | 1, 1, 1, 128 | 2]);
  const segments = player.buildSegments({
    ticksPerDay: 8, lastDay: 400,
    visits: { dday: b64(dday), station: b64(station), info: b64(info) }
  });
  assert.equal(segments.count, 3);
  assert.deepEqual(Array.from(segments.start), [40, 76, 80]);
  assert.deepEqual(Array.from(segments.end), [player.OPEN, 80, 160]);
  assert.deepEqual(Array.from(segments.child), [1, 0, 0]);
  assert.deepEqual(Array.from(segments.from), [3, 0, 3]);
  assert.deepEqual(Array.from(segments.to), [player.OFF, 3, player.OFF]);
  assert.deepEqual(Array.from(segments.cycle), [2, 1, 1]);
});

test('dates are day numbers since 1970', () => {
  assert.equal(player.dayNumber('1970-01-02'), 1);
  assert.equal(player.isoDate(player.dayNumber('2016-02-29')), '2016-02-29');
  assert.throws(() => player.dayNumber('29/02/2016'), /invalid date/);
});
