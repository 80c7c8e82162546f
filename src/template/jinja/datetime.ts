/**
 * Python's time.strftime / datetime.strftime directives (C locale) for now(fmt=...), the
 * strftime filter and datetime.strftime().
 */
import { JinjaRuntimeError } from './errors.js';
import { PyDateTime } from './values.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const p = (n: number, w = 2, c = '0'): string => String(n).padStart(w, c);

function dayOfYear(y: number, m: number, d: number): number {
  return Math.round((Date.UTC(y, m, d) - Date.UTC(y, 0, 1)) / 86400000) + 1;
}

/** Format a date with Python's strftime directives; `utc` picks the UTC fields. */
export function strftime(fmt: string, date: Date, utc: boolean): string {
  const f = utc
    ? {
        y: date.getUTCFullYear(),
        m: date.getUTCMonth(),
        d: date.getUTCDate(),
        H: date.getUTCHours(),
        M: date.getUTCMinutes(),
        S: date.getUTCSeconds(),
        w: date.getUTCDay(),
        ms: date.getUTCMilliseconds(),
      }
    : {
        y: date.getFullYear(),
        m: date.getMonth(),
        d: date.getDate(),
        H: date.getHours(),
        M: date.getMinutes(),
        S: date.getSeconds(),
        w: date.getDay(),
        ms: date.getMilliseconds(),
      };
  const offMin = utc ? 0 : -date.getTimezoneOffset();
  const j = dayOfYear(f.y, f.m, f.d);
  return fmt.replace(/%([a-zA-Z%])/g, (all, c: string) => {
    switch (c) {
      case 'a':
        return DAYS[f.w].slice(0, 3);
      case 'A':
        return DAYS[f.w];
      case 'w':
        return String(f.w);
      case 'd':
        return p(f.d);
      case 'b':
      case 'h':
        return MONTHS[f.m].slice(0, 3);
      case 'B':
        return MONTHS[f.m];
      case 'm':
        return p(f.m + 1);
      case 'y':
        return p(f.y % 100);
      case 'Y':
        return String(f.y);
      case 'H':
        return p(f.H);
      case 'I':
        return p(f.H % 12 || 12);
      case 'p':
        return f.H < 12 ? 'AM' : 'PM';
      case 'M':
        return p(f.M);
      case 'S':
        return p(f.S);
      case 'f':
        return p(f.ms * 1000, 6);
      case 'z':
        return `${offMin < 0 ? '-' : '+'}${p(Math.floor(Math.abs(offMin) / 60))}${p(Math.abs(offMin) % 60)}`;
      case 'Z':
        return utc
          ? 'UTC'
          : (Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
              .formatToParts(date)
              .find((x) => x.type === 'timeZoneName')?.value ?? '');
      case 'j':
        return p(j, 3);
      case 'U':
        return p(Math.floor((j + 6 - f.w) / 7));
      case 'W':
        return p(Math.floor((j + 6 - ((f.w + 6) % 7)) / 7));
      case 'c':
        return `${DAYS[f.w].slice(0, 3)} ${MONTHS[f.m].slice(0, 3)} ${p(f.d, 2, ' ')} ${p(f.H)}:${p(f.M)}:${p(f.S)} ${f.y}`;
      case 'x':
        return `${p(f.m + 1)}/${p(f.d)}/${p(f.y % 100)}`;
      case 'X':
        return `${p(f.H)}:${p(f.M)}:${p(f.S)}`;
      case 's':
        return String(Math.floor(date.getTime() / 1000));
      case 'e':
        return p(f.d, 2, ' ');
      case 'F':
        return `${f.y}-${p(f.m + 1)}-${p(f.d)}`;
      case 'T':
        return `${p(f.H)}:${p(f.M)}:${p(f.S)}`;
      case '%':
        return '%';
      default:
        throw new JinjaRuntimeError(`strftime directive ${all} is not supported`);
    }
  });
}

/** A datetime for a Date. */
export function dateTime(d: Date, utc = false): PyDateTime {
  return new PyDateTime(d, utc);
}
