// The annotation cap of the real toolkit, read as GitHub shows annotations: the first 10 of each
// level per step, in print order; setFailed is one more error.
import { describe, expect, it } from 'vitest';
import { capAnnotations, GITHUB_ANNOTATIONS_PER_LEVEL, type Toolkit } from '../src/toolkit';
import { fakeToolkit } from './stages/fake-toolkit';

/** The fake toolkit, with setFailed printed as the error annotation @actions/core makes of it. */
function recorder() {
  const { tk, rec } = fakeToolkit();
  const inner: Toolkit = { ...tk, setFailed: (m) => tk.error(m) };
  /** What GitHub lists: the first 10 annotations of each level, in print order. */
  const visible = (level: 'error' | 'warning' | 'notice') =>
    rec.annotations
      .filter((a) => a.level === level)
      .slice(0, GITHUB_ANNOTATIONS_PER_LEVEL)
      .map((a) => a.message);
  return { inner, rec, visible };
}

describe('capAnnotations', () => {
  it('20 failed items in a stage: 8 annotated, one "... and 12 more", and the step failure still listed', async () => {
    const { inner, rec, visible } = recorder();
    const tk = capAnnotations(inner);
    await tk.group('Build', async () => {
      for (let i = 1; i <= 20; i++) tk.error(`target ${i} failed`, { file: 'go.mod', startLine: i });
    });
    tk.setFailed('the build failed for 20 targets');
    const shown = visible('error');
    expect(shown).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `target ${i + 1} failed`),
      '... and 12 more errors (see the log and the job summary)',
      'the build failed for 20 targets',
    ]);
    // Nothing is lost: the others are log lines, with where they point.
    expect(rec.log).toContain('info: error (go.mod:9): target 9 failed');
    expect(rec.log).toContain('info: error (go.mod:20): target 20 failed');
  });

  it('the failure is listed even when the items come outside any group', () => {
    const { inner, visible } = recorder();
    const tk = capAnnotations(inner);
    for (let i = 1; i <= 15; i++) tk.error(`cell ${i} cannot be published`);
    tk.setFailed('15 cells cannot be published');
    expect(visible('error').at(-1)).toBe('15 cells cannot be published');
    expect(visible('error')).toContain('... and 7 more errors (see the log and the job summary)');
  });

  it('warnings over several stages: never more than GitHub shows, the count said at each stage end', async () => {
    const { inner, rec } = recorder();
    const tk = capAnnotations(inner);
    for (const stage of ['Resolve', 'Sync', 'Verify']) {
      await tk.group(stage, async () => {
        for (let i = 1; i <= 5; i++) tk.warning(`${stage} warning ${i}`);
      });
    }
    const warnings = rec.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toHaveLength(GITHUB_ANNOTATIONS_PER_LEVEL);
    expect(warnings.slice(8)).toEqual([
      '... and 2 more warnings (see the log and the job summary)',
      '... and 5 more warnings (see the log and the job summary)',
    ]);
  });

  it('a few annotations pass as they are, levels counted apart', async () => {
    const { inner, rec } = recorder();
    const tk = capAnnotations(inner);
    tk.notice('one notice');
    tk.warning('one warning', { file: 'go.mod', startLine: 3 });
    tk.error('one error');
    tk.setFailed('failed');
    expect(rec.annotations).toEqual([
      { level: 'notice', message: 'one notice' },
      { level: 'warning', message: 'one warning', where: { file: 'go.mod', startLine: 3 } },
      { level: 'error', message: 'one error' },
      { level: 'error', message: 'failed' },
    ]);
  });
});
