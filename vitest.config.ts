import { defineConfig } from 'vitest/config';

// Lab tests start real daemons (sshd, nginx, bind9, Pebble) in namespaces: run files one at a time
// on this 2-core machine so labs never compete for ports or CPU, and give them time to boot.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
