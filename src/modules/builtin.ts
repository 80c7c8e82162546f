/**
 * The list of built-in modules: one import and one array entry per module file.
 */
import type { ModuleDef } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const builtinModules: ModuleDef<any>[] = [];
