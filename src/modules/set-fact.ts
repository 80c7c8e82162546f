/**
 * `set_fact`: set host variables for the rest of the run (precedence just below extra vars). The
 * engine applies `data.ansible_facts` to the host; nothing runs on the host.
 */
import type { ModuleDef } from './types.js';

/** The `set_fact` module: any key is a variable name (values already rendered by the engine). */
export const setFactModule: ModuleDef<Record<string, unknown>> = {
  name: 'set_fact',
  schema: {
    type: 'object',
    minProperties: 1,
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    errorMessage: 'set_fact needs at least one variable name (letters, digits, _)',
  },
  checkMode: 'full',
  diffMode: 'none',
  run(ctx) {
    const facts = { ...ctx.params };
    delete facts.cacheable;
    return Promise.resolve({ changed: false, data: { ansible_facts: facts } });
  },
};
