/**
 * The list of built-in modules: one import and one array entry per module file.
 */
import { assertModule } from './assert.js';
import { debugModule } from './debug.js';
import { failModule } from './fail.js';
import { setFactModule } from './set-fact.js';
import { acmeCertificateModule } from './acme_certificate.js';
import type { ModuleDef } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const builtinModules: ModuleDef<any>[] = [
  acmeCertificateModule,
  debugModule,
  setFactModule,
  assertModule,
  failModule,
];
