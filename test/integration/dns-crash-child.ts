// Child process for the crash test: presents a value, says so on stdout, then hangs inside fn until
// the test kills it with SIGKILL (so neither finally nor any handler runs: a real crash).
import { withDnsChallenges, type Dns01Options } from '../../src/dns/dns01.js';
import { dnsJournal } from '../../src/dns/journal.js';
import { openStore } from '../../src/store/file-store.js';

const { journalDir, ...opts } = JSON.parse(process.argv[2]) as Dns01Options & { journalDir: string };
const journal = dnsJournal(openStore(journalDir));
await withDnsChallenges(
  [{ domain: process.argv[3], value: process.argv[4] }],
  { ...opts, journal },
  async () => {
    process.stdout.write('presented\n');
    await new Promise(() => undefined);
  },
);
