// Bundles the compiled CLI (dist/cli/index.js) and everything it loads at start-up into
// dist/bundle/certfleet.js — the `certfleet` command. Node 20 spends ~0.2 s of CPU resolving and
// linking the ~200 ES modules of the tree one by one; one file loads in a fraction of that.
// Dependencies that are loaded on first use only (SSH, ACME, DNS APIs, X.509) stay external and are
// resolved from node_modules as usual; code-split chunks keep the lazy imports lazy.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const LAZY = ['node-ssh', 'ssh2', 'cpu-features', 'acme-client', '@aws-sdk/*', 'ovh', '@peculiar/x509'];

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: { certfleet: 'dist/cli/index.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: LAZY,
  // bundled CommonJS dependencies call require(): give the ES module one
  banner: {
    js: "import { createRequire as __certfleetRequire } from 'node:module';\nconst require = __certfleetRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/bundle/certfleet.js', 0o755);
