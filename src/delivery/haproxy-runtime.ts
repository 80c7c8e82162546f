/**
 * HAProxy hot certificate update through the runtime API, over the existing SSH connection:
 * stage the new combined PEM in a temp file beside the live one → `set ssl cert FILE` with the PEM →
 * `commit ssl cert FILE` → rename the temp file into place only when HAProxy answered `Success!`;
 * otherwise `abort ssl cert FILE` and delete the temp file, leaving disk and memory as they were.
 * The running process keeps its PID and serves the new certificate; the file on disk matches it, so a
 * later reload serves the same. The admin socket is reached with `socat` when the host has it, else
 * with Perl's core IO::Socket::UNIX (present on every Debian/RHEL base system).
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from '../connections/connection.js';
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';

// $1 socket, $2 name HAProxy knows the certificate by, $3 temp file, $4 final path
const SCRIPT = `set -u
sock="$1"; name="$2"; tmp="$3"; dest="$4"
send() {
  if command -v socat >/dev/null 2>&1; then socat -t 10 - "UNIX-CONNECT:$sock"
  else perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "cannot connect to $ARGV[0]: $!\\n"; local $/; $in = <STDIN>; print $s $in; shutdown($s, 1); print while <$s>;' "$sock"; fi
}
fail() { printf 'abort ssl cert %s\\n' "$name" | send >/dev/null 2>&1; rm -f -- "$tmp"; echo "$1" >&2; exit 1; }
r=$( { printf 'set ssl cert %s <<\\n' "$name"; grep -v '^[[:space:]]*$' "$tmp"; printf '\\n'; } | send 2>&1) || fail "set ssl cert: $r"
case "$r" in *"Transaction created"*|*"Transaction updated"*) ;; *) fail "set ssl cert: $r";; esac
r=$(printf 'commit ssl cert %s\\n' "$name" | send 2>&1) || fail "commit ssl cert: $r"
case "$r" in *"Success!"*) ;; *) fail "commit ssl cert: $(printf '%s' "$r" | tr '\\n' ' ')";; esac
mv -f -- "$tmp" "$dest"
echo hot-updated`;

// $1 socket: ask the running HAProxy for its info; prints its Pid line when it answers
const PROBE = `sock="$1"
[ -S "$sock" ] || exit 1
if command -v socat >/dev/null 2>&1; then printf 'show info\\n' | socat -t 5 - "UNIX-CONNECT:$sock"
else printf 'show info\\n' | perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 1; local $/; $in = <STDIN>; print $s $in; shutdown($s, 1); print while <$s>;' "$sock"; fi | grep '^Pid:'`;

/**
 * Does a running HAProxy answer on the admin socket? A stale socket file (HAProxy stopped) or a
 * socket without admin level means no hot update: the transaction falls back to test + reload.
 */
export async function runtimeApiAvailable(
  conn: Connection,
  socket: string,
  become?: boolean,
): Promise<boolean> {
  const r = await conn.exec(`sh -s -- ${shellQuote(socket)}`, { stdin: PROBE, become });
  return r.code === 0 && r.stdout.startsWith('Pid:');
}

/**
 * Hot-swap the certificate HAProxy serves from `certPath`. `content` is the combined PEM; `mode`,
 * `owner`, `group` apply to the file on disk. `runtimeName` is the name HAProxy loaded it under
 * (the path as written in `crt`, before any chroot), default `certPath`.
 */
export async function hotUpdateCert(
  conn: Connection,
  opts: {
    socket: string;
    certPath: string;
    runtimeName?: string;
    content: string;
    mode: number;
    owner?: string;
    group?: string;
    become?: boolean;
  },
): Promise<void> {
  const dir = opts.certPath.slice(0, opts.certPath.lastIndexOf('/')) || '/';
  // the temp name must not end in .pem: HAProxy's `crt DIR` would load it on a concurrent reload
  const tmp = `${dir}/.certfleet-${randomBytes(4).toString('hex')}.tmp`;
  const own =
    opts.owner !== undefined || opts.group !== undefined
      ? `chown ${shellQuote(`${opts.owner ?? ''}${opts.group !== undefined ? `:${opts.group}` : ''}`)} ${shellQuote(tmp)}\n`
      : '';
  const b64 = Buffer.from(opts.content)
    .toString('base64')
    .replace(/(.{76})/g, '$1\n');
  const stage = `set -e\numask 077\nbase64 -d > ${shellQuote(tmp)} <<'CERTFLEET_EOF'\n${b64}\nCERTFLEET_EOF\nchmod ${opts.mode.toString(8)} ${shellQuote(tmp)}\n${own}`;
  const args = [opts.socket, opts.runtimeName ?? opts.certPath, tmp, opts.certPath].map(shellQuote).join(' ');
  // one round trip: the staging lines and the runtime script run in the same shell
  const script = `${stage}set +e\nset -- ${args}\n${SCRIPT}\n`;
  const r = await conn.exec('sh -s', { stdin: script, become: opts.become });
  if (r.code !== 0 || !r.stdout.includes('hot-updated')) {
    const why = (r.stderr || r.stdout).trim().split('\n').slice(-3).join('; ');
    throw new ModuleError(`haproxy runtime API update of ${opts.certPath} failed: ${why}`);
  }
}
