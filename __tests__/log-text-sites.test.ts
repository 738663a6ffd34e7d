// Every logging call that takes others' text goes through src/log-text.ts (or Toolkit.untrusted).
// How the sites are found: a static scan of src/**/*.ts for calls of the log methods
// (`tk.`/`log.`/`core.`/`cacheLog.` info, warning, error, notice, debug, startGroup, setFailed) and
// of error constructors (`new ...Error(`: their message reaches the log through setFailed). A call
// "takes external text" when its argument mentions a source of others' text: a container's output
// (`.output`, `.stdout`, `.stderr`, an ad-hoc `tail(`/`lastLine(` of it), a response body
// (`.body`), a release's tag name from GitHub (`.tag_name`), or the entries of a release's index
// (`indexed`, `covered`, `uncovered`), a JSON parser's message (it quotes the text it read), a
// result's `.error` (a service's words). Such a mention must sit inside a wrapper (escapeControl,
// oneLine, lastLines, listed) or the call must be `untrusted(`. What remains needs an entry in
// REVIEWED below, with the reason the text is safe there. A new unwrapped site fails this test.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './support/runner';

const CALL =
  /(?:\b(?:tk|log|core|cacheLog|logger)\.(?:info|warning|error|notice|debug|startGroup|setFailed|untrusted)|\bnew \w*Error)\(/g;
const SOURCES =
  /\.(?:output|stdout|stderr|body)\b|\btail\(|\blastLine\(|\.tag_name\b|\.error\b(?!\s*\()|\b(?:indexed|covered|uncovered)\b(?!\.length)|(?:not JSON|does not parse): \$\{\(e as Error\)\.message/;
const WRAPPERS = ['escapeControl', 'oneLine', 'lastLines', 'listed'];

/**
 * Sites read and found safe, as `file: text in the call`, with why. The text of the call must
 * contain the snippet.
 */
const REVIEWED: { file: string; snippet: string; why: string }[] = [
  {
    file: 'src/build/stage.ts',
    snippet: 'mismatch ??',
    why: "the tidy failure's own words: a go.sum mismatch message built from parsed module paths, else lastLines",
  },
  {
    file: 'src/release-store/snapshot.ts',
    snippet: 'vanished between listing and download',
    why: 'a tag name is a git ref (no control characters), in an error message (escaped by setFailed)',
  },
  {
    file: 'src/modes/follow.ts',
    snippet: 'coverage.release.tag_name',
    why: 'a git ref name (git check-ref-format refuses control characters): one line',
  },
  {
    file: 'src/modes/selection.ts',
    snippet: 'Following into release ${release.tag_name}',
    why: 'a git ref name (git check-ref-format refuses control characters): one line',
  },
  {
    file: 'src/modes/selection.ts',
    snippet: 'Release ${release.tag_name} has no ${PLUGIN_INDEX_FILE_NAME} yet',
    why: 'the index entries go through listed(); the tag is a git ref name (no control characters)',
  },
  {
    file: 'src/modes/selection.ts',
    snippet: 'nothingNewMessage(release.tag_name, diff.covered)',
    why: 'nothingNewMessage (fanout/follow.ts) lists the covered releases with listed()',
  },
  {
    file: 'src/verify/stage.ts',
    snippet: 'parseLoadFailure',
    why: 'only a parser reads the output here',
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The text between the call's parentheses (parentheses counted, good enough for our sources). */
function argumentOf(s: string, open: number): string {
  let depth = 1;
  let i = open;
  while (depth > 0 && i < s.length) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    i++;
  }
  return s.slice(open, i - 1);
}

/** The argument with every wrapper call's own argument taken out. */
function unwrapped(arg: string): string {
  let out = arg;
  for (;;) {
    const m = new RegExp(`\\b(?:${WRAPPERS.join('|')})\\(`).exec(out);
    if (!m) return out;
    const inner = argumentOf(out, m.index + m[0].length);
    out = out.slice(0, m.index) + 'WRAPPED' + out.slice(m.index + m[0].length + inner.length + 1);
  }
}

interface Site {
  file: string;
  line: number;
  call: string;
}

/** Every log call in src/ that takes others' text, and whether it is wrapped. */
function scan(): { taking: Site[]; bare: Site[] } {
  const taking: Site[] = [];
  const bare: Site[] = [];
  for (const path of sourceFiles(join(projectRoot, 'src'))) {
    const file = relative(projectRoot, path).split('\\').join('/');
    if (file === 'src/toolkit.ts' || file === 'src/log-text.ts') continue;
    const s = readFileSync(path, 'utf8');
    for (const m of s.matchAll(CALL)) {
      const arg = argumentOf(s, m.index + m[0].length);
      if (!SOURCES.test(arg)) continue;
      const site = {
        file,
        line: s.slice(0, m.index).split('\n').length,
        call: `${m[0]}${arg.replace(/\s+/g, ' ').slice(0, 140)}`,
      };
      taking.push(site);
      if (m[0].endsWith('.untrusted(') || !SOURCES.test(unwrapped(arg))) continue;
      if (REVIEWED.some((r) => r.file === file && arg.includes(r.snippet))) continue;
      bare.push(site);
    }
  }
  return { taking, bare };
}

describe("others' text on its way to the log", () => {
  it('every logging call that takes it goes through log-text (or untrusted), or is reviewed', () => {
    const { taking, bare } = scan();
    // The scan finds the sites it is meant to (so an empty `bare` is not an empty scan).
    expect(taking.length).toBeGreaterThan(15);
    expect(bare.map((b) => `${b.file}:${b.line}: ${b.call}`)).toEqual([]);
  });

  it('the scan catches an unwrapped site and passes a wrapped one', () => {
    const probe = (code: string) => {
      const m = [...code.matchAll(CALL)][0]!;
      const arg = argumentOf(code, m.index + m[0].length);
      return SOURCES.test(arg) && !SOURCES.test(unwrapped(arg));
    };
    expect(probe('tk.info(r.output.trimEnd());')).toBe(false);
    expect(probe('throw new Error(`failed: ${r.output.trim().split("\\n").slice(-3).join(" | ")}`);')).toBe(
      false,
    );
    expect(probe('tk.info(`x ${lastLines(r.output)} y`);')).toBe(true);
    expect(probe('log.warning(`a ${escapeControl(tail(r.output))}`);')).toBe(true);
  });
});
