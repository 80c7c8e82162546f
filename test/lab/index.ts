/**
 * The lab of simulated hosts that tests, the demo and the benchmarks run certfleet against (bind9 and
 * Pebble live beside it in bind9.ts and pebble.ts).
 *
 * `startLab({hosts: 3})` or `startLab({hosts: [{name, distro, services}]})` gives each host:
 * - a network namespace with its own address on a lab bridge (private 10.2xx.y.0/24, control node at
 *   .1, hosts from .2), or with `netns: false` / where namespaces are refused, 127.0.0.1 and free ports;
 * - a mount + UTS namespace: hostname = host name, an overlay over /etc (os-release and release files
 *   of debian/ubuntu/centos/rhel, /etc/hosts naming all lab hosts and `certfleet-control`), private
 *   /run, /var/log, /root (skeleton dotfiles), /tmp, /var/www, /var/lib/nginx, /var/lib/haproxy;
 *   the rest of the control node's filesystem (/usr, /var/tmp, ...) is shared;
 * - its own `sshd -D` on port 22 (root, lab key only, no PAM) and the web servers of its spec, started
 *   without an init system: nginx (pid /run/nginx.pid), apache2 (`apache2ctl start`,
 *   /run/apache2/apache2.pid), haproxy (`-p /run/haproxy.pid`, admin socket /run/haproxy/admin.sock with
 *   `expose-fd listeners` so `-x ... -sf` reloads work). All distros use the Debian layout.
 * - ports: the host's first service gets 80/443, the second 8080/8443, the third 8081/8444 (`host.ports`).
 *
 * Hosts share the PID space: find processes through pid files, never `ps` by name. `lab.stop()` kills
 * everything by PID and removes namespaces, bridge, state and directory; an exit hook does the same for
 * labs a process forgot; `stopAllLabs()` (`npm run lab:down`) removes labs left by crashed processes.
 */
export { startLab } from './lab.js';
export { defaultSpecs } from './specs.js';
export { stopAllLabs, type StopAllOptions } from './teardown.js';
export { LAB_DISTROS, LAB_SERVICES } from './types.js';
export type {
  Lab,
  LabDistro,
  LabHost,
  LabHostSpec,
  LabService,
  ServicePorts,
  StartLabOptions,
} from './types.js';
