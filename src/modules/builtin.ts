/**
 * The list of built-in modules: one import and one array entry per module file.
 */
import { assertModule } from './assert.js';
import { debugModule } from './debug.js';
import { failModule } from './fail.js';
import { setFactModule } from './set-fact.js';
import { blockinfileModule } from './blockinfile.js';
import { commandModule } from './command.js';
import { copyModule } from './copy.js';
import { fileModule } from './file.js';
import { lineinfileModule } from './lineinfile.js';
import { serviceModule } from './service.js';
import { setupModule } from './setup.js';
import { shellModule } from './shell.js';
import { templateModule } from './template.js';
import { acmeCertificateModule } from './acme_certificate.js';
import { certDeployModule } from './cert_deploy.js';
import { tlsSiteModule } from './tls_site.js';
import { tlsVerifyModule } from './tls_verify.js';
import type { ModuleDef } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const builtinModules: ModuleDef<any>[] = [
  acmeCertificateModule,
  debugModule,
  setFactModule,
  assertModule,
  failModule,
  blockinfileModule,
  commandModule,
  copyModule,
  fileModule,
  lineinfileModule,
  serviceModule,
  setupModule,
  shellModule,
  templateModule,
  certDeployModule,
  tlsSiteModule,
  tlsVerifyModule,
];
