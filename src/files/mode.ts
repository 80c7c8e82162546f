/**
 * File modes as users write them [ans file `mode`]: octal strings (`'0644'`, `'644'`, `'0o644'`) and
 * integers. Playbooks are read as YAML 1.2, where `mode: 0644` is the decimal 644: an integer is
 * therefore read as the octal digits the user typed. One parser for every module and every delivery.
 */
import { ModuleError } from '../errors.js';

/** Parse a file mode; undefined gives `fallback` (undefined without one). */
export function parseMode(value: string | number | undefined): number | undefined;
export function parseMode(value: string | number | undefined, fallback: number, param?: string): number;
export function parseMode(
  value: string | number | undefined,
  fallback?: number,
  param = 'mode',
): number | undefined {
  if (value === undefined) return fallback;
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^(?:0o|0)?[0-7]{3,4}$/.test(text))
    throw new ModuleError(
      `invalid ${param} ${JSON.stringify(value)} (not an octal mode such as '0644'; quote it in YAML)`,
    );
  return parseInt(text.replace(/^0o/, ''), 8);
}

/** `0644`-style text of a mode, as stat/chmod use it. */
export function modeText(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
