/**
 * Python's str.format(): `{}` `{0}` `{name}` `{0[key]}` `{0.attr}`, conversions !r !s, and the
 * format-spec mini-language ([[fill]align][sign][#][0][width][,][.precision][type]).
 */
import { JinjaRuntimeError } from './errors.js';
import { floatRepr, pyRepr, pyStr } from './pystr.js';
import { dictGet, dictHas, isFloat, isInt, isMapping, toNum } from './values.js';
import type { Kwargs } from './callable.js';

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function group(digits: string, sep: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** format(value, spec) for str, int, float. */
export function formatSpec(v: unknown, spec: string): string {
  if (spec === '') return pyStr(v);
  const m = SPEC.exec(spec);
  if (!m) throw new JinjaRuntimeError(`Invalid format specifier '${spec}'`);
  const [, fillC, alignC, signC, alt, zero, widthS, sep, precS, typeC] = m;
  let fill = fillC ?? ' ';
  let align = alignC;
  const width = widthS ? Number(widthS) : 0;
  const prec = precS === undefined ? undefined : Number(precS);
  let body: string;
  let sign = '';
  const num = typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || isFloat(v);
  if (typeof v === 'string' || !num) {
    if (typeC && typeC !== 's')
      throw new JinjaRuntimeError(`Unknown format code '${typeC}' for object of type 'str'`);
    body = pyStr(v);
    if (prec !== undefined) body = Array.from(body).slice(0, prec).join('');
    align ??= '<';
  } else {
    const t = typeC ?? (isInt(v) || typeof v === 'boolean' ? 'd' : '');
    const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    const n = toNum(x);
    sign = n < 0 || Object.is(n, -0) ? '-' : signC === '+' ? '+' : signC === ' ' ? ' ' : '';
    const a = Math.abs(n);
    if ('bdoxXc'.includes(t)) {
      if (!isInt(x)) throw new JinjaRuntimeError(`Unknown format code '${t}' for object of type 'float'`);
      const big = BigInt(x);
      const abs = big < 0n ? -big : big;
      body =
        t === 'b'
          ? abs.toString(2)
          : t === 'o'
            ? abs.toString(8)
            : t === 'x'
              ? abs.toString(16)
              : t === 'X'
                ? abs.toString(16).toUpperCase()
                : t === 'c'
                  ? String.fromCodePoint(Number(abs))
                  : abs.toString();
      if (alt && 'box'.includes(t.toLowerCase())) body = `0${t}${body}`;
    } else if (t === 'f' || t === 'F') body = a.toFixed(prec ?? 6);
    else if (t === 'e' || t === 'E') {
      const [mm, e] = a.toExponential(prec ?? 6).split('e');
      body = `${mm}e${Number(e) < 0 ? '-' : '+'}${String(Math.abs(Number(e))).padStart(2, '0')}`;
      if (t === 'E') body = body.toUpperCase();
    } else if (t === '%') body = `${(a * 100).toFixed(prec ?? 6)}%`;
    else if (t === '' || t === 'g' || t === 'G' || t === 'n') {
      if (t === '' && prec === undefined) body = floatRepr(a);
      else {
        const p = prec === 0 ? 1 : (prec ?? 6);
        const exp = a === 0 ? 0 : Math.floor(Math.log10(Number(a.toExponential(p - 1))));
        body =
          exp < -4 || exp >= p
            ? a.toExponential(p - 1).replace(/e([+-])(\d)$/, 'e$10$2')
            : a.toFixed(Math.max(0, p - 1 - exp));
        if (body.includes('.') && !alt) body = body.replace(/\.?0+(?=e|$)/, '');
        if (t === 'G') body = body.toUpperCase();
      }
    } else throw new JinjaRuntimeError(`Unknown format code '${t}'`);
    if (sep) {
      const [i, f] = body.split('.');
      body = group(i, sep) + (f !== undefined ? `.${f}` : '');
    }
    if (zero && !alignC) {
      fill = '0';
      align = '=';
    }
    align ??= '>';
  }
  const len = sign.length + Array.from(body).length;
  const padN = Math.max(0, width - len);
  const pad = fill.repeat(padN);
  if (align === '<') return sign + body + pad;
  if (align === '>') return pad + sign + body;
  if (align === '=') return sign + pad + body;
  const left = fill.repeat(Math.floor(padN / 2));
  return left + sign + body + fill.repeat(padN - left.length);
}

/** Python's str.format(*args, **kwargs). */
export function strFormat(fmt: string, args: unknown[], kw: Kwargs): string {
  let auto = 0;
  return fmt.replace(
    /\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}|[{}]/g,
    (m, field: string | undefined, conv?: string, spec?: string) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      if (field === undefined)
        throw new JinjaRuntimeError(
          m === '{' ? "Single '{' encountered in format string" : "Single '}' encountered in format string",
        );
      const [, head, rest] = /^([^.[]*)(.*)$/s.exec(field)!;
      let v: unknown;
      if (head === '') v = args[auto++];
      else if (/^\d+$/.test(head)) v = args[Number(head)];
      else if (head in kw) v = kw[head];
      else throw new JinjaRuntimeError(`KeyError: '${head}'`);
      if (v === undefined)
        throw new JinjaRuntimeError('IndexError: Replacement index out of range for positional args tuple');
      for (const p of rest.matchAll(/\.([^.[]+)|\[([^\]]*)\]/g)) {
        const key: unknown = p[1] ?? (/^\d+$/.test(p[2]) ? Number(p[2]) : p[2]);
        if (Array.isArray(v) && typeof key === 'number') v = v[key];
        else if (isMapping(v) && dictHas(v, key)) v = dictGet(v, key);
        else throw new JinjaRuntimeError(`KeyError: ${pyRepr(key)}`);
      }
      const s = conv === 'r' || conv === 'a' ? pyRepr(v) : conv === 's' ? pyStr(v) : v;
      return formatSpec(s, spec ?? '');
    },
  );
}
