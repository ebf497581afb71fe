// time.test.mjs - web/src/time.js in Node: countdowns, partial dataset
// dates, local time with UTC alongside, datetime-local <-> ISO UTC.  The
// viewer's zone is fixed before the module is loaded (it reads it once).
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.TZ = 'Europe/Paris';
const t = await import('../../../web/src/time.js');

test('the zone is read from the environment once, at load', () => {
  assert.equal(t.zone, 'Europe/Paris');
});

test('remaining: days and hours, hours and minutes, minutes and seconds, seconds', () => {
  assert.equal(t.remaining(0), '0 s');
  assert.equal(t.remaining(-5000), '0 s');
  assert.equal(t.remaining(45_999), '45 s', 'partial seconds are dropped');
  assert.equal(t.remaining(3 * 60e3 + 5e3), '3 min 05 s');
  assert.equal(t.remaining((3 * 3600 + 12 * 60 + 5) * 1000), '3 h 12 min 05 s');
  assert.equal(t.remaining((2 * 86400 + 4 * 3600 + 7 * 60 + 59) * 1000), '2 d 04 h 07 min',
    'seconds are not shown once a day is left');
});

test('fmtDate: a year, a month or a day, as the dataset gives them', () => {
  assert.equal(t.fmtDate('2015'), '2015');
  assert.equal(t.fmtDate('1980-10'), 'Oct 1980');
  assert.equal(t.fmtDate('1949-08-24'), '24 Aug 1949');
  assert.equal(t.fmtDate('2023-04-04T23:30:00Z'), '4 Apr 2023', 'a full time is shown as its UTC day');
  assert.equal(t.fmtDate(''), '—');
  assert.equal(t.fmtDate(null), '—');
  assert.equal(t.fmtDate('not a date'), 'not a date', 'what cannot be read is shown as it is');
});

test('parseTime: a Date, or null for what is not a time', () => {
  assert.equal(t.parseTime('2026-01-02T03:04:05Z').getTime(), Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(t.parseTime('tomorrow'), null);
});

test('timeParts: local time, and the UTC time alongside (with its day when that differs)', () => {
  const same = t.timeParts('2026-11-28T19:39:00Z');
  assert.match(same.local, /28 Nov 2026/);
  assert.match(same.local, /20:39 CET$/);
  assert.equal(same.utc, '19:39 UTC');
  const next = t.timeParts('2026-11-28T23:30:00Z');
  assert.match(next.local, /29 Nov 2026, 00:30 CET$/);
  assert.equal(next.utc, '28 Nov 2026, 23:30 UTC', 'the UTC day differs from the local one');
  assert.deepEqual(t.timeParts('soon'), { local: 'soon', utc: '' });
  assert.deepEqual(t.timeParts(undefined), { local: '', utc: '' });
});

test('timeText: local time with UTC in brackets', () => {
  assert.match(t.timeText('2026-07-01T10:00:00Z'), /1 Jul 2026, 12:00 CEST \(10:00 UTC\)$/);
});

test('datetime-local values are local wall time; the API speaks UTC', () => {
  assert.equal(t.localInputToISO('2026-07-01T12:00'), '2026-07-01T10:00:00Z', 'summer: UTC+2');
  assert.equal(t.localInputToISO('2026-01-15T09:30'), '2026-01-15T08:30:00Z', 'winter: UTC+1');
  assert.equal(t.localInputToISO(''), null);
  assert.equal(t.localInputToISO('2026-13-45T99:99'), null);
  assert.equal(t.isoToLocalInput('2026-07-01T10:00:00Z'), '2026-07-01T12:00');
  assert.equal(t.isoToLocalInput('garbage'), '');
  for (const v of ['2026-03-29T03:30', '2026-10-25T01:15', '2027-02-28T23:59']) {
    assert.equal(t.isoToLocalInput(t.localInputToISO(v)), v, `${v} survives the round trip`);
  }
});

test('dates and times follow the chosen locale: French (months spelt out), American; an unknown one falls back', () => {
  try {
    t.setLocale('fr-FR');
    assert.equal(t.fmtDate('1949-08-24'), '24 août 1949');
    assert.equal(t.fmtDate('1980-10'), 'octobre 1980');
    const fr = t.timeParts('2026-11-28T19:39:00Z');
    assert.match(fr.local, /^28 novembre 2026 à 20:39 UTC\+1$/);
    assert.equal(fr.utc, '19:39 UTC');
    t.setLocale('en-US');
    assert.equal(t.fmtDate('1949-08-24'), 'Aug 24, 1949');
    assert.match(t.timeParts('2026-11-28T19:39:00Z').local, /Nov 28, 2026.*08:39 PM/);
    t.setLocale('xx-not-a-locale');
    assert.equal(t.currentLocale(), 'en-GB');
    assert.equal(t.fmtDate('1949-08-24'), '24 Aug 1949');
  } finally {
    t.setLocale('en-GB');
  }
});
