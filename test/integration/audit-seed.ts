/**
 * Seeding helpers shared by the audit lab tests: write files into lab hosts, give a host an nginx TLS
 * site with certfleet-managed files, snapshot /etc, and run the real CLI.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Issued, TestCa } from '../lab/pki.js';
import type { LabHost } from '../lab/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Write a file inside a host (base64 through the shell: no quoting of PEM or configs), temp + rename. */
export async function put(h: LabHost, path: string, content: string, mode = '644'): Promise<void> {
  const b64 = Buffer.from(content).toString('base64');
  const r = await h.exec(
    `mkdir -p "$(dirname ${path})" && printf %s ${b64} | base64 -d > ${path}.tmp && chmod ${mode} ${path}.tmp && mv ${path}.tmp ${path}`,
  );
  if (r.code !== 0) throw new Error(`${h.name}: cannot write ${path}: ${r.stderr}`);
}

/** Run a command in a host; a non-zero exit fails the test with its output. */
export async function sh(h: LabHost, cmd: string): Promise<string> {
  const r = await h.exec(cmd);
  if (r.code !== 0) throw new Error(`${h.name}: ${cmd}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Every path under /etc with mode, size, mtime, plus the content hash of regular files. */
export const SNAPSHOT = `find /etc -xdev -printf '%p %m %s %T@\\n' | sort; find /etc -xdev -type f -exec sha256sum {} + | sort`;

/**
 * An nginx TLS site for `NAME.example` and `www.NAME.example` with its files in `dir`
 * (default /etc/ssl/certfleet/NAME), then a reload.
 */
export async function nginxSite(
  h: LabHost,
  c: Issued,
  int: TestCa,
  opts: { keyMode?: string; dir?: string; protocols?: string } = {},
): Promise<void> {
  const d = opts.dir ?? `/etc/ssl/certfleet/${h.name}`;
  await put(h, `${d}/fullchain.pem`, c.cert + int.cert);
  await put(h, `${d}/privkey.pem`, c.key, opts.keyMode ?? '600');
  const https = h.ports.nginx!.https;
  await put(
    h,
    '/etc/nginx/sites-enabled/tls',
    `server {\n  listen ${https} ssl;\n  server_name ${h.name}.example www.${h.name}.example;\n` +
      `  ssl_protocols ${opts.protocols ?? 'TLSv1.2 TLSv1.3'};\n` +
      `  ssl_certificate ${d}/fullchain.pem;\n  ssl_certificate_key ${d}/privkey.pem;\n  return 200 "ok\\n";\n}\n`,
  );
  await sh(h, 'nginx -t 2>&1 && nginx -s reload');
}

/** Run the certfleet CLI from source (tsx) and collect its output and exit code. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/index.ts'), ...args], {
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
