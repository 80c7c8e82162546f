import { describe, expect, it } from 'vitest';
import { batchedStreams } from './batched.js';

describe('batchedStreams', () => {
  it('writes one turn of output once per stream run, in the order it was written', async () => {
    const calls: string[] = [];
    const out = { write: (s: string) => calls.push(`out:${s}`) };
    const err = { write: (s: string) => calls.push(`err:${s}`) };
    const b = batchedStreams(out, err);
    b.out.write('a\n');
    b.out.write('b\n');
    b.err.write('warn\n');
    b.out.write('c\n');
    expect(calls).toEqual([]); // nothing before the turn ends
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['out:a\nb\n', 'err:warn\n', 'out:c\n']);
    b.out.write('d\n');
    b.flush(); // flushed at once when asked (end of run, exit)
    expect(calls.at(-1)).toBe('out:d\n');
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(4);
  });
});
