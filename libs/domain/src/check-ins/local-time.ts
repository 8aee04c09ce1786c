/**
 * Wall-clock time in a named zone, from the platform's zone data (Intl): the offset is the one in
 * force at that instant, so daylight saving is never assumed nor a fixed offset used.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for a zone the platform does not know.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', era: 'short' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of `instant` in `timeZone`, and the zone's offset from UTC then, in minutes. */
export function zonedParts(instant: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number; offsetMinutes: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((part) => [part.type, part.value]));
  const bc = parts.era === 'B' || parts.era === 'BC';
  const fields = {
    year: bc ? 1 - Number(parts.year) : Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
  const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return { ...fields, offsetMinutes: Math.round((asUtc - wholeSeconds) / 60_000) };
}

/** `instant` as local date and time in `timeZone` with its offset then: `YYYY-MM-DDTHH:mm:ss±HH:MM`. */
export function localDateTime(instant: Date, timeZone: string): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError('localDateTime needs a valid date');
  const p = zonedParts(instant, timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const sign = p.offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(p.offsetMinutes);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
}

/** Whether the platform knows the IANA zone `timeZone`. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
