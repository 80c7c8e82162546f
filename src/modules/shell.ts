/**
 * `shell`: run a command line through `/bin/sh` on the host (pipes, redirections, variables work).
 * Free form `shell: cmd | grep x` is `cmd`.
 */
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { checkParams } from './lib/params.js';
import { commandProperties, runCommand, type CommandParams } from './lib/run-command.js';
import type { ModuleDef } from './types.js';

/** Parameters of `shell`: command's plus the interpreter. */
export interface ShellParams extends CommandParams {
  executable?: string;
}

/** The `shell` module. */
export const shellModule: ModuleDef<ShellParams> = {
  name: 'shell',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { ...commandProperties, executable: { type: 'string', minLength: 1 } },
  },
  checkMode: 'full',
  diffMode: 'none',
  async run(ctx) {
    const p = checkParams(shellModule, ctx);
    if (p.argv !== undefined)
      throw new ModuleError('shell takes a command line (cmd), not argv: use command for argv');
    if (p.cmd === undefined) throw new ModuleError('missing the command line (free form or cmd)');
    // An explicit interpreter keeps the script's syntax independent of the remote user's login shell.
    return runCommand(ctx, p, `${shellQuote(p.executable ?? '/bin/sh')} -c ${shellQuote(p.cmd)}`);
  },
};
