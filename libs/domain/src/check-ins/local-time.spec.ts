import { isKnownTimeZone, localDateTime } from './local-time';

describe('localDateTime', () => {
  it.each([
    // Santiago leaves daylight saving on the first Sunday of April: midnight (-03) becomes 23:00 (-04) the day before.
    ['2027-04-04T02:59:59Z', 'America/Santiago', '2027-04-03T23:59:59-03:00'],
    ['2027-04-04T03:00:00Z', 'America/Santiago', '2027-04-03T23:00:00-04:00'],
    // ...and enters it on the first Sunday of September: midnight (-04) becomes 01:00 (-03).
    ['2027-09-05T03:59:59Z', 'America/Santiago', '2027-09-04T23:59:59-04:00'],
    ['2027-09-05T04:00:00Z', 'America/Santiago', '2027-09-05T01:00:00-03:00'],
    // Madrid: 02:00 CET becomes 03:00 CEST on the last Sunday of March...
    ['2027-03-28T00:59:59Z', 'Europe/Madrid', '2027-03-28T01:59:59+01:00'],
    ['2027-03-28T01:00:00Z', 'Europe/Madrid', '2027-03-28T03:00:00+02:00'],
    // ...and 02:30 happens twice on the last Sunday of October, once per offset.
    ['2027-10-31T00:30:00Z', 'Europe/Madrid', '2027-10-31T02:30:00+02:00'],
    ['2027-10-31T01:30:00Z', 'Europe/Madrid', '2027-10-31T02:30:00+01:00'],
    ['2027-03-02T21:00:00Z', 'America/Argentina/Cordoba', '2027-03-02T18:00:00-03:00'],
    ['2027-03-02T21:00:00.999Z', 'UTC', '2027-03-02T21:00:00+00:00'],
    ['2027-01-01T00:00:00Z', 'Asia/Kolkata', '2027-01-01T05:30:00+05:30'],
  ])('writes %s in %s as %s', (instant, zone, expected) => {
    expect(localDateTime(new Date(instant), zone)).toBe(expected);
  });

  it('refuses an unknown zone and an invalid date', () => {
    expect(() => localDateTime(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDateTime(new Date('nope'), 'UTC')).toThrow(RangeError);
    expect(isKnownTimeZone('Europe/Madrid')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
