/**
 * Release files that make a lab host claim a distribution. Written as regular files into the host's
 * /etc overlay (the real /etc/os-release is a symlink into /usr/lib, which the overlay does not cover).
 */
import type { LabDistro } from './types.js';

/** Files (relative to /etc) a distro adds, and files it must not have (hidden by an overlay whiteout). */
export interface DistroFiles {
  files: Record<string, string>;
  hide: string[];
}

const lines = (kv: Record<string, string>): string =>
  Object.entries(kv)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n') + '\n';

/** The release files of each distro the lab can pretend to be. */
export function distroFiles(distro: LabDistro): DistroFiles {
  switch (distro) {
    case 'debian':
      return {
        files: {
          'os-release': lines({
            PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)',
            NAME: 'Debian GNU/Linux',
            VERSION_ID: '12',
            VERSION: '12 (bookworm)',
            VERSION_CODENAME: 'bookworm',
            ID: 'debian',
          }),
          debian_version: '12.8\n',
        },
        hide: [],
      };
    case 'ubuntu':
      return {
        files: {
          'os-release': lines({
            PRETTY_NAME: 'Ubuntu 22.04.4 LTS',
            NAME: 'Ubuntu',
            VERSION_ID: '22.04',
            VERSION: '22.04.4 LTS (Jammy Jellyfish)',
            VERSION_CODENAME: 'jammy',
            ID: 'ubuntu',
            ID_LIKE: 'debian',
            UBUNTU_CODENAME: 'jammy',
          }),
          'lsb-release':
            'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"\n',
          debian_version: 'bookworm/sid\n',
        },
        hide: [],
      };
    case 'centos':
      return {
        files: {
          'os-release': lines({
            NAME: 'CentOS Stream',
            VERSION: '9',
            ID: 'centos',
            ID_LIKE: 'rhel fedora',
            VERSION_ID: '9',
            PLATFORM_ID: 'platform:el9',
            PRETTY_NAME: 'CentOS Stream 9',
          }),
          'redhat-release': 'CentOS Stream release 9\n',
          'centos-release': 'CentOS Stream release 9\n',
          'system-release': 'CentOS Stream release 9\n',
        },
        hide: ['debian_version'],
      };
    case 'rhel':
      return {
        files: {
          'os-release': lines({
            NAME: 'Red Hat Enterprise Linux',
            VERSION: '9.4 (Plow)',
            ID: 'rhel',
            ID_LIKE: 'fedora',
            VERSION_ID: '9.4',
            PLATFORM_ID: 'platform:el9',
            PRETTY_NAME: 'Red Hat Enterprise Linux 9.4 (Plow)',
          }),
          'redhat-release': 'Red Hat Enterprise Linux release 9.4 (Plow)\n',
          'system-release': 'Red Hat Enterprise Linux release 9.4 (Plow)\n',
        },
        hide: ['debian_version'],
      };
  }
}
