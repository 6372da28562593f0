// The DOM-free model replays Python's golden payload: its counts are Python's station_stock.
// tests/js/golden/frames.json is written by tests/test_player_golden.py (a pytest there fails
// when it is stale).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { loadPlayer } = require('./load_player.js');

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'frames.json'), 'utf8'));
const { codec, model } = loadPlayer().carejourneys;
const DATES = Object.keys(golden.stock).sort();

test('codec.js reads the format Python writes (one set of constants, FORMAT mirrors them)', () => {
  assert.deepEqual({ ...codec.FORMAT }, golden.format);
  assert.equal(golden.payload.version, codec.FORMAT.version);
});

test('seeking to each date, counts() equal station_stock', () => {
  const m = model.create(golden.payload);
  for (const date of DATES) {
    m.seek(date);
    assert.equal(m.date(), date);
    assert.deepEqual(m.counts(), golden.stock[date], date);
  }
});

test('seeking backwards gives the same counts as seeking forwards', () => {
  const m = model.create(golden.payload);
  for (const date of DATES.slice().reverse()) {
    assert.deepEqual(m.seek(date).counts(), golden.stock[date], date);
  }
});

test('ticking a day a second, a second at a time, reaches every date with Python\'s stock', () => {
  const m = model.create(golden.payload, { speed: 1 });
  m.seek(golden.period[0]);
  let seen = 0;
  while (!m.ended()) {
    m.tick(1000);
    if (golden.stock[m.date()]) {
      assert.deepEqual(m.counts(), golden.stock[m.date()], m.date());
      seen += 1;
    }
  }
  assert.equal(seen, DATES.length - 1);  // all but the first, where it started
  assert.equal(m.date(), golden.period[1]);
});

test('quarter-day ticks pass through same-day moves and land on the same stock', () => {
  const m = model.create(golden.payload, { speed: 1 });
  m.seek('2020-01-05');
  const contactAt = [];
  for (let i = 0; i < 8; i++) {
    m.tick(250);
    contactAt.push(m.counts().contact);
  }
  assert.equal(m.date(), '2020-01-07');
  assert.deepEqual(m.seek('2020-01-06').counts(), golden.stock['2020-01-06']);
  // A's contact opened and closed within 6 January: on the map part of that day, not at its end.
  assert.ok(contactAt.slice(0, 4).some((n) => n === 1));
  assert.equal(golden.stock['2020-01-06'].contact, 0);
});

test('every child counted is a dot, and waitingAt lists the children at a station', () => {
  const m = model.create(golden.payload);
  for (const date of DATES) {
    const counts = m.seek(date).counts();
    const dots = m.dots();
    assert.equal(dots.length, Object.values(counts).reduce((a, b) => a + b, 0), date);
    assert.equal(m.dotsDrawn(), dots.length);
    for (const [station, n] of Object.entries(counts)) {
      const waits = m.waitingAt(station);
      assert.equal(waits.length, n, `${date} ${station}`);
      assert.deepEqual(waits, waits.slice().sort((a, b) => a - b));
      assert.ok(waits.every((days) => days >= 0));
    }
  }
});

test('the model is deterministic: the same calls give the same dots', () => {
  const run = () => {
    const m = model.create(golden.payload, { speed: 7 });
    m.seek('2020-03-01');
    m.tick(1234).tick(16).tick(400);
    return m.dots();
  };
  const first = run();
  assert.ok(first.length > 0);
  assert.deepEqual(run(), first);
});

test('a view\'s fixed filter keeps only its group: girls and boys add up to everyone', () => {
  const sexes = golden.payload.attributes.sex;  // Male, Female, Not known
  const date = '2020-07-09';
  const everyone = golden.stock[date];
  const sum = { ...everyone };
  for (const key of Object.keys(sum)) { sum[key] = 0; }
  sexes.forEach((_, code) => {
    const counts = model.create(golden.payload, { filter: { sex: code } }).seek(date).counts();
    for (const [station, n] of Object.entries(counts)) { sum[station] += n; }
  });
  assert.deepEqual(sum, everyone);
});

test('a payload of another format version is refused with a clear message', () => {
  const stale = { ...golden.payload, version: codec.FORMAT.version + 1 };
  assert.throws(() => model.create(stale), (error) => error instanceof codec.FormatError &&
    /format version 2, but this player reads version 1/.test(error.message) && /Rebuild the report/.test(error.message));
});

test('seek keeps to the period and refuses a date it cannot read', () => {
  const m = model.create(golden.payload);
  assert.equal(m.seek('2030-01-01').date(), golden.period[1]);
  // Back to the start of the period's first day, which is the end of the day before.
  assert.equal(m.seek('1999-01-01').date(), '2019-12-31');
  assert.deepEqual(m.counts(), m.seek('2019-12-31').counts());
  assert.throws(() => m.seek('31/12/2020'), /invalid date: 31\/12\/2020/);
});
