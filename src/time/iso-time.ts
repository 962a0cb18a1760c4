import { z } from 'zod';

/**
 * Calendar dates and instants as ISO strings, handled without any clock. Everything that
 * decides something (pairing windows, the limit in force) works from these pure helpers so
 * that every endorsing peer computes the same answer.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

/** Day number of an ISO date `YYYY-MM-DD`. @throws {RangeError} for anything else. */
export function dayNumber(isoDate: string): number {
  const m = DATE.exec(isoDate);
  if (!m) throw new RangeError(`not an ISO date: ${isoDate}`);
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/**
 * Milliseconds since the epoch of an ISO instant with an explicit offset. The offset is
 * required: a local time would mean different instants on differently configured peers.
 */
export function instantMillis(iso: string): number {
  const m = INSTANT.exec(iso);
  if (!m) throw new RangeError(`not an ISO instant with offset: ${iso}`);
  const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  const fraction = (m[7] ?? '0').padEnd(3, '0').slice(0, 3);
  const offset = m[8] === 'Z' || m[8] === undefined ? 0 : offsetMinutes(m[8]);
  return (
    ((days * 24 + Number(m[4])) * 60 + Number(m[5]) - offset) * 60000 +
    Number(m[6] ?? '0') * 1000 +
    Number(fraction)
  );
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** The calendar date (in the instant's own offset) of an ISO instant. */
export function dateOfInstant(iso: string): string {
  return iso.slice(0, 10);
}

/** An ISO calendar date that exists (no 2023-02-30). */
export const isoDateSchema = z
  .string({ error: 'must be an ISO date YYYY-MM-DD' })
  .regex(DATE, { error: 'must be an ISO date YYYY-MM-DD' })
  .refine(
    (s) => {
      const m = DATE.exec(s);
      return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
    },
    { error: 'is not a real calendar date' },
  );

/** True when `s` is a real ISO instant with an explicit offset (what {@link isoInstantSchema} accepts after normalising). */
export function isInstant(s: string): boolean {
  const m = INSTANT.exec(s);
  if (!m) return false;
  const offset = m[8] ?? 'Z';
  const offsetOk = offset === 'Z' || (Number(offset.slice(1, 3)) <= 14 && Number(offset.slice(4, 6)) < 60);
  return (
    isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) < 24 &&
    Number(m[5]) < 60 &&
    Number(m[6] ?? '0') < 60 &&
    offsetOk
  );
}

/**
 * An instant: an ISO date-time with an explicit offset (`2024-05-01T09:30:00+08:00`), or a
 * bare date, read as midnight China Standard Time (UTC+08:00) because lab systems in the
 * programme often report dates only.
 */
export const isoInstantSchema = z
  .string({ error: 'must be an ISO date-time with offset, e.g. 2024-05-01T09:30:00+08:00' })
  .transform((s) => (DATE.test(s) ? `${s}T00:00:00+08:00` : s))
  .refine((s) => INSTANT.test(s), {
    error: 'must be an ISO date-time with offset, e.g. 2024-05-01T09:30:00+08:00',
  })
  .refine((s) => !INSTANT.test(s) || isInstant(s), { error: 'is not a real date and time' });
