/**
 * Parameter checks shared by the host modules: schema validation (unknown keys fail, also in check
 * mode) and the mode/owner/group parameters.
 */
import { validateWith, validatorFor } from '../../config/validate.js';
import { ModuleError, formatIssue } from '../../errors.js';
import { parseMode } from '../../files/mode.js';
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
