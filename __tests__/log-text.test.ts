import { describe, expect, it } from 'vitest';
import { escapeControl, lastLines, listed, oneLine } from '../src/log-text';
import { nothingNewMessage } from '../src/fanout/follow';

describe('log-text: the one path for others text to the log', () => {
  it('escapeControl leaves no line break, escape or separator', () => {
    expect(escapeControl('a\n::warning::x\r\x1b[31m\u2028\u0085')).toBe(
      'a\\n::warning::x\\r\\x1b[31m\\u2028\\x85',
    );
  });
  it('oneLine bounds a piece and says what it left out', () => {
    expect(oneLine('x'.repeat(10), 4)).toBe('xxxx... (6 more characters)');
    expect(oneLine('ok\n')).toBe('ok\\n');
  });
  it('lastLines keeps the last lines of an output, escaped, on one line', () => {
    expect(lastLines('a\nb\n::error::c\n', 2)).toBe('b | ::error::c');
    expect(lastLines('x\r\n\x1by', 1)).toBe('\\x1by');
    expect(lastLines('a\nb\x07', 2, '\n')).toBe('a\nb\\x07');
  });
  it('listed names the first N then how many more', () => {
    expect(listed(['a', 'b', 'c'], 2)).toBe('a, b, ... and 1 more');
    expect(listed(['a', 'b'], 2)).toBe('a, b');
    expect(listed([], 2)).toBe('');
    const big = listed(Array.from({ length: 200_000 }, (_, i) => `v1.${i}.0`));
    expect(big.length).toBeLessThan(400);
    expect(big).toMatch(/\.\.\. and 199980 more$/);
    expect(listed(['a\nb'])).toBe('a\\nb');
  });
});

describe('issue 27: log lines about lists are bounded', () => {
  it("follow's nothing-new line names the first releases, then how many more", () => {
    const covered = Array.from({ length: 200_000 }, (_, i) => `v2.${i}.0`);
    const line = nothingNewMessage('v1.0.0', covered);
    expect(line.length).toBeLessThan(600);
    expect(line).toContain('v2.0.0, v2.1.0');
    expect(line).toContain('... and 199980 more');
  });
});
