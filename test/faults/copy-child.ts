/**
 * A controller that writes one large file and is killed mid-way by the test (hardening-rows): it
 * connects (`local`, or SSH with the Perl or the sh driver), prints `writing` once the write is under
 * way, and would print `done` if it lived that long.
 * argv: KIND DEST SIZE [HOST PORT KEY KNOWN_HOSTS]
 */
import { LocalConnection } from '../../src/connections/local.js';
import { SshConnection } from '../../src/connections/ssh.js';
import { writeFile } from '../../src/files/write.js';

const [kind, dest, size, host, port, key, knownHosts] = process.argv.slice(2);
const conn =
  kind === 'local'
    ? new LocalConnection()
    : new SshConnection('victim', {
        host,
        port: Number(port),
        user: 'root',
        privateKeyPath: key,
        knownHostsFile: knownHosts,
        remoteDriver: kind === 'ssh-sh' ? 'sh' : 'auto',
      });
// connect first (a trivial job), so the kill lands in the transfer, not in the handshake
await conn.exec('true', { shared: true });
const content = Buffer.alloc(Number(size), 'x');
const writing = writeFile(conn, { path: dest, content, mode: 0o644 });
process.stdout.write('writing\n');
await writing;
process.stdout.write('done\n');
await conn.close();
