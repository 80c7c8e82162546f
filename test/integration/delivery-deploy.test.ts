/**
 * cert_deploy against a real lab host over SSH: copy (checksums, modes, .prev, check mode, diff
 * without key material), mount (fstab + a real read-only bind mount — the lab kernel refuses an NFS
 * server, so the NFS variant is only rendered), pull (unprivileged deploy user + certfleet-pull).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import type { SshConnection } from '../../src/connections/ssh.js';
import { certDeployModule } from '../../src/modules/cert_deploy.js';
import {
  callModule,
  connect,
  hostHashes,
  makeCa,
  makeStateDir,
  storeCert,
  type TestCa,
} from './delivery-helpers.js';

let lab: Lab;
let conn: SshConnection;
let state: string;
let ca: TestCa;
const DIR = '/etc/ssl/certfleet/wild';
const FILES = ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem'].map((f) => `${DIR}/${f}`);

beforeAll(async () => {
  state = await makeStateDir();
  ca = await makeCa(state);
  lab = await startLab({ hosts: [{ name: 'dep1', distro: 'debian', services: [] }] });
  conn = connect(lab, lab.hosts[0]);
});

afterAll(async () => {
  await conn?.close();
  await lab?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

describe('cert_deploy method copy', () => {
  it('delivers, is idempotent, keeps .prev, and check mode writes nothing', async () => {
    const host = lab.hosts[0];
    const serial1 = await storeCert(state, 'wild', ['*.example.test', 'example.test'], ca);
    const params = { name: 'wild', state_dir: state, group: 'ssl-cert', key_mode: '0640', combined: true };

    const check = await callModule(certDeployModule, conn, params, { check: true, diff: true });
    expect(check.changed).toBe(true);
    expect((await hostHashes(host, [DIR])).trim()).toBe(`absent ${DIR}`);

    const first = await callModule(certDeployModule, conn, params);
    expect(first.changed).toBe(true);
    expect(first.data).toMatchObject({
      serial: serial1,
      serial_changed: true,
      privkey: `${DIR}/privkey.pem`,
      combined: `${DIR}/combined.pem`,
    });
    const modes = await host.exec(`stat -c '%n %a %U:%G' ${FILES.join(' ')} ${DIR}/combined.pem`);
    expect(modes.stdout).toContain(`${DIR}/cert.pem 644 root:ssl-cert`);
    expect(modes.stdout).toContain(`${DIR}/privkey.pem 640 root:ssl-cert`);
    expect(modes.stdout).toContain(`${DIR}/combined.pem 640 root:ssl-cert`);
    const combined = (await host.exec(`cat ${DIR}/combined.pem`)).stdout;
    expect(combined).not.toMatch(/\n\s*\n/);
    expect(combined).toMatch(/END CERTIFICATE-----\n-----BEGIN CERTIFICATE[\s\S]*PRIVATE KEY-----\n$/);

    const second = await callModule(certDeployModule, conn, params);
    expect(second.changed).toBe(false);
    expect(second.data).toMatchObject({ serial_changed: false, changed_files: [] });

    // renewal: new serial; check mode shows it without touching the host, then the real run keeps .prev
    const serial2 = await storeCert(state, 'wild', ['*.example.test', 'example.test'], ca);
    const before = await hostHashes(host, [...FILES, `${DIR}/combined.pem`]);
    const dry = await callModule(certDeployModule, conn, params, { check: true, diff: true });
    expect(dry.changed).toBe(true);
    expect(await hostHashes(host, [...FILES, `${DIR}/combined.pem`])).toBe(before);
    const diffText = dry.diff!.map((d) => d.unified).join('\n');
    expect(diffText).toContain(`-certificate serial ${serial1}`);
    expect(diffText).toContain(`+certificate serial ${serial2}`);
    expect(diffText).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(dry)).not.toMatch(/BEGIN (EC )?PRIVATE KEY/);

    const third = await callModule(certDeployModule, conn, params);
    expect(third.data).toMatchObject({ serial: serial2, previous_serial: serial1, serial_changed: true });
    const prev = await host.exec(
      `openssl x509 -noout -serial -in ${DIR}/.prev/cert.pem; stat -c %a ${DIR}/.prev/privkey.pem ${DIR}/.prev`,
    );
    expect(prev.stdout).toContain(`serial=${serial1}`);
    expect(prev.stdout).toMatch(/640\n700/);
    // no temp files left behind
    expect((await host.exec(`ls -A ${DIR}`)).stdout.split('\n').sort().join(' ').trim()).toBe(
      '.prev cert.pem chain.pem combined.pem fullchain.pem privkey.pem',
    );
  });

  it('fails with a clear message when the certificate is not in the store', async () => {
    await expect(callModule(certDeployModule, conn, { name: 'missing', state_dir: state })).rejects.toThrow(
      /^certificate "missing" is not in the store: .*\/certs\/missing\/live does not exist$/,
    );
    await expect(
      callModule(certDeployModule, conn, { name: 'wild', state_dir: state, bogus: 1 } as never),
    ).rejects.toThrow(/unknown key "bogus"|must NOT have additional/);
  });
});

describe('cert_deploy method mount', () => {
  it('bind-mounts the store read-only through /etc/fstab, idempotently', async () => {
    const host = lab.hosts[0];
    const dest = '/etc/ssl/certfleet-mounted/wild';
    const params = {
      name: 'wild',
      state_dir: state,
      method: 'mount' as const,
      mount_type: 'bind' as const,
      dest,
    };
    await host.exec(`printf '# test fstab\\nproc /proc proc defaults 0 0\\n' > /etc/fstab`);
    const dry = await callModule(certDeployModule, conn, params, { check: true, diff: true });
    expect(dry.changed).toBe(true);
    expect(dry.diff![0].unified).toContain(`+${join(state, 'certs/wild')} ${dest} none bind,ro 0 0`);
    expect(
      (await host.exec(`cat /etc/fstab; findmnt -n --mountpoint ${dest} || echo not-mounted`)).stdout,
    ).toBe('# test fstab\nproc /proc proc defaults 0 0\nnot-mounted\n');
    const first = await callModule(certDeployModule, conn, params, { diff: true });
    expect(first.changed).toBe(true);
    const live = join(state, 'certs/wild');
    expect((await host.exec('cat /etc/fstab')).stdout).toBe(
      `# test fstab\nproc /proc proc defaults 0 0\n${live} ${dest} none bind,ro 0 0\n`,
    );
    const mnt = await host.exec(
      `findmnt -n -o OPTIONS --mountpoint ${dest}; touch ${dest}/x 2>&1; openssl x509 -noout -serial -in ${dest}/live/cert.pem`,
    );
    expect(mnt.stdout).toMatch(/^ro,/);
    expect(mnt.stdout).toContain('Read-only file system');
    const second = await callModule(certDeployModule, conn, params);
    expect(second.changed).toBe(false);
    // a renewal in the store is visible on the host at once
    const serial3 = await storeCert(state, 'wild', ['*.example.test'], ca);
    expect((await host.exec(`openssl x509 -noout -serial -in ${dest}/live/cert.pem`)).stdout.trim()).toBe(
      `serial=${serial3}`,
    );
    await host.exec(`umount ${dest}`);
    const again = await callModule(certDeployModule, conn, params);
    expect(again.changed).toBe(true);
    await host.exec(`umount ${dest}`);
  });
});

describe('cert_deploy method pull', () => {
  it('pushes as an unprivileged user; the installed script checks and moves the files into place', async () => {
    const host = lab.hosts[0];
    // a deploy user with no sudo, reachable with the lab key
    const home = '/run/deploy-home';
    const mk = await host.exec(
      `useradd -M -d ${home} -s /bin/sh -p '*' deploy && mkdir -p ${home}/.ssh && cp /root/.ssh/authorized_keys ${home}/.ssh/ && chown -R deploy: ${home} && chmod 700 ${home} ${home}/.ssh && mkdir -p /run/certfleet-drop`,
    );
    expect(mk.stderr).toBe('');
    const dest = '/etc/ssl/certfleet-pulled/wild';
    const common = {
      name: 'wild',
      state_dir: state,
      method: 'pull' as const,
      dest,
      drop_dir: '/run/certfleet-drop/wild',
      script_path: '/etc/certfleet/certfleet-pull',
    };
    const install = await callModule(certDeployModule, conn, {
      ...common,
      pull_install: true,
      deploy_user: 'deploy',
      reload_command: 'touch /run/reloaded',
    });
    expect(install.changed).toBe(true);
    const cron = (await host.exec('grep -v "^#" /etc/cron.d/certfleet-pull-wild')).stdout.trim();
    expect(cron).toMatch(
      /^\*\/5 \* \* \* \* root \/etc\/certfleet\/certfleet-pull \/run\/certfleet-drop\/wild \/etc\/ssl\/certfleet-pulled\/wild 'touch \/run\/reloaded'$/,
    );
    expect((await host.exec('stat -c %U:%a /run/certfleet-drop/wild')).stdout.trim()).toBe('deploy:700');

    const deployConn = connect(lab, host, 'deploy');
    try {
      expect((await deployConn.exec('id -un')).stdout.trim()).toBe('deploy');
      // install ran and pushed as root; clean the drop so the deploy user's own push is tested
      await host.exec('rm -f /run/certfleet-drop/wild/*');
      const push = await callModule(certDeployModule, deployConn, common);
      expect(push.changed).toBe(true);
      expect((await host.exec('stat -c %U /run/certfleet-drop/wild/MANIFEST')).stdout.trim()).toBe('deploy');
      expect((await callModule(certDeployModule, deployConn, common)).changed).toBe(false);

      // what cron runs
      const cmd = cron.split(/\s+/).slice(6).join(' ');
      const ran = await host.exec(cmd);
      expect(ran.stderr).toBe('');
      expect(ran.stdout).toContain(`installed cert.pem chain.pem fullchain.pem privkey.pem into ${dest}`);
      const st = await host.exec(
        `stat -c '%n %a %U' ${dest}/privkey.pem ${dest}/cert.pem; ls -A /run/certfleet-drop/wild; test -e /run/reloaded && echo reloaded`,
      );
      expect(st.stdout).toBe(
        `${dest}/privkey.pem 600 root\n${dest}/cert.pem 644 root\n.deployed\nreloaded\n`,
      );
      const served = (await host.exec(`openssl x509 -noout -serial -in ${dest}/cert.pem`)).stdout.trim();
      const stored = (
        await host.exec(`openssl x509 -noout -serial -in ${join(state, 'certs/wild/live/cert.pem')}`)
      ).stdout.trim();
      expect(served).toBe(stored);
      // after pickup, a push of the same certificate is a no-op; a tampered drop is refused
      expect((await callModule(certDeployModule, deployConn, common)).changed).toBe(false);
      await storeCert(state, 'wild', ['*.example.test'], ca);
      expect((await callModule(certDeployModule, deployConn, common)).changed).toBe(true);
      await host.exec('echo tampered >> /run/certfleet-drop/wild/cert.pem');
      const refused = await host.exec(cmd);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('checksum mismatch');
      expect((await host.exec(`openssl x509 -noout -serial -in ${dest}/cert.pem`)).stdout.trim()).toBe(
        served,
      );
    } finally {
      await deployConn.close();
    }
  });
});
