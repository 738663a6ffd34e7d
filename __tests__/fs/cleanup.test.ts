import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCancel, undoAll } from '../../src/fs/cleanup';

describe('undo steps of a cancelled run', () => {
  it('stops the writers (containers) before removing their files; finished work is not undone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleanup-'));
    const partial = join(dir, '.p.so.r1.partial');
    writeFileSync(partial, 'half');
    const order: string[] = [];
    onCancel('partial', async () => {
      order.push('file');
      await rm(partial, { force: true });
    });
    onCancel(
      'container',
      async () => {
        await new Promise((r) => setTimeout(r, 30));
        order.push('container');
      },
      { first: true },
    );
    const done = onCancel('finished', async () => {
      order.push('finished');
    });
    done();
    const log: string[] = [];
    await undoAll((m) => log.push(m), 200);
    expect(order).toEqual(['container', 'file']);
    expect(existsSync(partial)).toBe(false);
    expect(log).toEqual(['Cancelled: container', 'Cancelled: partial']);
  });

  it('waits for work in flight, then undoes what is still registered', async () => {
    let undone = 0;
    const done = onCancel('slow', async () => {
      undone++;
    });
    setTimeout(done, 50);
    await undoAll(() => undefined, 500);
    expect(undone).toBe(1);
  });
});
