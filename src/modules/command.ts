/**
 * `command`: run a program on the host without shell features (pipes, redirections and `$VAR` are
 * passed as literal arguments, like Ansible's command). Free form `command: ls -l` is `cmd`.
 */
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { checkParams } from './lib/params.js';
import { commandProperties, runCommand, splitWords, type CommandParams } from './lib/run-command.js';
import type { ModuleDef } from './types.js';

/** The `command` module. */
export const commandModule: ModuleDef<CommandParams> = {
  name: 'command',
  freeForm: 'cmd',
  schema: { type: 'object', additionalProperties: false, properties: commandProperties },
  checkMode: 'full',
  diffMode: 'none',
  async run(ctx) {
    const p = checkParams(commandModule, ctx);
    if ((p.cmd === undefined) === (p.argv === undefined))
      throw new ModuleError('give exactly one of cmd (free form) or argv');
    const argv = p.argv ?? splitWords(p.cmd!);
    if (!argv.length) throw new ModuleError('empty command');
    return runCommand(ctx, p, argv.map(shellQuote).join(' '));
  },
};
