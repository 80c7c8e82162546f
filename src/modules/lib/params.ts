/**
 * Parameter checks shared by the host modules: schema validation (unknown keys fail, also in check
 * mode) and Ansible's `mode` forms.
 */
import { validateWith, validatorFor } from '../../config/validate.js';
import { ModuleError, formatIssue } from '../../errors.js';
import type { ModuleContext, ModuleDef } from '../types.js';

/** Validate `ctx.params` against the module's schema; every problem is listed in one ModuleError. */
export function checkParams<P>(def: ModuleDef<P>, ctx: ModuleContext<P>): P {
  const issues = validateWith(validatorFor(def.schema), ctx.params, { prefix: [def.name] });
  if (issues.length) throw new ModuleError(`invalid parameters: ${issues.map(formatIssue).join('; ')}`);
  return ctx.params;
}

/** The mode/owner/group parameters every file-writing module takes. */
export interface AttributeParams {
  /** `'0644'`, `'644'`, or an integer read as octal digits */
  mode?: string | number;
  /** user name or numeric id */
  owner?: string | number;
  /** group name or numeric id */
  group?: string | number;
}

/** JSON Schema properties of AttributeParams. */
export const attributeSchema = {
  mode: { type: ['string', 'integer'] },
  owner: { type: ['string', 'integer'] },
  group: { type: ['string', 'integer'] },
} as const;

/**
 * Parse a file mode. Strings are octal (`'0644'`, `'644'`). Integers are read as the octal digits the
 * user typed: YAML 1.2 turns `mode: 0644` into the decimal 644, and that is what people write.
 */
export function parseMode(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^0?[0-7]{3,4}$/.test(text) && !/^0o[0-7]{3,4}$/.test(text))
    throw new ModuleError(
      `mode ${JSON.stringify(value)} is not an octal mode such as '0644' (quote it in YAML)`,
    );
  return parseInt(text.replace(/^0o/, ''), 8);
}

/** AttributeParams parsed once. */
export function fileAttributes(p: AttributeParams): {
  mode?: number;
  owner?: string;
  group?: string;
} {
  return {
    mode: parseMode(p.mode),
    owner: p.owner === undefined ? undefined : String(p.owner),
    group: p.group === undefined ? undefined : String(p.group),
  };
}

/** `0644`-style text of a mode, as stat/chmod use it. */
export function modeText(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
