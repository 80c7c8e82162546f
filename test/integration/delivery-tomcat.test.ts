/**
 * tomcat_tls against a real Tomcat 10 (Debian tomcat10) started inside a lab host with catalina.sh
 * and a private CATALINA_BASE under the host's /etc: the HTTPS connector goes into server.xml as a
 * managed block (the rest of the file kept), configtest, restart only when changed, verified TLS.
 * Needs the Debian package tomcat10 (CI installs it); skipped with that reason when it is missing.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTls } from '../../src/delivery/tls-probe.js';
import { writeDeliveryInventory } from '../lab/demo/inventory.js';
import { startLab, type Lab } from '../lab/index.js';
import { makeCa, makeStateDir, runPlays, storeCert, type TestCa } from './delivery-helpers.js';

const HOME = '/usr/share/tomcat10';
const hasTomcat = existsSync(`${HOME}/bin/catalina.sh`);
const BASE = '/etc/tomcat-lab';
const ENV = `CATALINA_HOME=${HOME} CATALINA_BASE=${BASE} CATALINA_PID=/run/tomcat.pid`;
// daemons keep inherited descriptors: their output goes to a file so the SSH command returns
const START = `${ENV} ${HOME}/bin/catalina.sh start >/run/tomcat-start.out 2>&1`;
const RESTART = `${ENV} ${HOME}/bin/catalina.sh stop 20 -force >/dev/null 2>&1; ${START}`;
const NAME = 'www.example.test';

let lab: Lab;
let state: string;
let ca: TestCa;

describe.skipIf(!hasTomcat)('tomcat_tls (needs apt-get install tomcat10)', () => {
  beforeAll(async () => {
    state = await makeStateDir();
    ca = await makeCa(state);
    lab = await startLab({ hosts: [{ name: 't1', distro: 'debian', services: [] }] });
    const h = lab.hosts[0];
    const setup = await h.exec(
      `mkdir -p ${BASE}/logs ${BASE}/work ${BASE}/temp ${BASE}/webapps/ROOT && cp -r /etc/tomcat10 ${BASE}/conf && echo ok > ${BASE}/webapps/ROOT/index.html && ${START}`,
    );
    expect(setup.code, setup.stderr).toBe(0);
  });

  afterAll(async () => {
    const h = lab?.hosts[0];
    // stop the JVM by its pid file (catalina.sh stop -force kills it after the grace period)
    if (h) await h.exec(`${ENV} ${HOME}/bin/catalina.sh stop 5 -force >/dev/null 2>&1; true`);
    await lab?.stop();
    if (state) await rm(state, { recursive: true, force: true });
  });

  it('adds the HTTPS connector as a managed block, restarts only when changed, serves the certificate', async () => {
    const h = lab.hosts[0];
    const serial = await storeCert(state, 'wild', ['*.example.test'], ca);
    const inventory = join(state, 'inventory.yml');
    await writeDeliveryInventory(lab, inventory);
    const playbook = join(state, 'tomcat.yml');
    await writeFile(
      playbook,
      `- hosts: all
  vars: { certfleet_state_dir: ${state} }
  roles:
    - role: tomcat_tls
      vars:
        tomcat_tls_cert: wild
        tomcat_tls_base: ${BASE}
        tomcat_tls_server_xml: ${BASE}/conf/server.xml
        tomcat_tls_restart_command: '${RESTART}'
        tomcat_tls_verify_name: ${NAME}
`,
    );
    const before = (await h.exec(`cat ${BASE}/conf/server.xml`)).stdout;
    const first = await runPlays(playbook, inventory, { knownHostsFile: lab.knownHostsFile });
    expect(first.exitCode, first.out).toBe(0);
    expect(first.recap.t1.changed).toBe(1);
    const r = await probeTls({ address: h.ip, port: 8443, servername: NAME, ca: ca.pem });
    expect(r.serial).toBe(serial);
    expect(r.authorized, r.authorizationError).toBe(true);
    const after = (await h.exec(`cat ${BASE}/conf/server.xml`)).stdout;
    // everything that was there is still there, in order, and the block sits inside <Service>
    expect(
      after.replace(
        /<!-- BEGIN CERTFLEET MANAGED BLOCK -->\n[\s\S]*<!-- END CERTFLEET MANAGED BLOCK -->\n/,
        '',
      ),
    ).toBe(before);
    expect(after).toMatch(/<!-- END CERTFLEET MANAGED BLOCK -->\n\s*<\/Service>/);
    const pid = (await h.exec('cat /run/tomcat.pid')).stdout.trim();

    const second = await runPlays(playbook, inventory, { knownHostsFile: lab.knownHostsFile });
    expect(second.exitCode, second.out).toBe(0);
    expect(second.recap.t1.changed).toBe(0);
    expect((await h.exec('cat /run/tomcat.pid')).stdout.trim()).toBe(pid);
  });
});
