// The thin adapter around @actions/core: the one seam between a run and the runner. The stages
// take a Toolkit (log, groups, annotations, outputs, the job summary) and `main.ts` passes the
// real one; a test passes a fake and reads what a stage logged, annotated and set.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';

/** Where an annotation points (a file relative to the workspace, a line, a column). */
export interface Annotation {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

export interface Toolkit {
  getInput(name: string): string;
  info(message: string): void;
  /**
   * Text from elsewhere (the output of a container: go, module servers, the plugin's code, the
   * server): logged with workflow commands stopped around it (`::stop-commands::<random token>`),
   * so no line of it becomes an annotation, a mask or a stop of the action's own commands.
   */
  untrusted(text: string): void;
  /** Shown only when the run has step debug logging on (ACTIONS_STEP_DEBUG). */
  debug(message: string): void;
  warning(message: string, where?: Annotation): void;
  error(message: string, where?: Annotation): void;
  notice(message: string, where?: Annotation): void;
  /** A collapsible log section around `fn`. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** A section opened and closed by hand (the per-target log, written as each build finishes). */
  startGroup(name: string): void;
  endGroup(): void;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  /** Masks the value in every later log line. */
  setSecret(value: string): void;
  /** Appends markdown to the job summary; throws when it cannot be written (nothing stays buffered). */
  appendSummary(markdown: string): Promise<void>;
}

/** The real toolkit: @actions/core, its annotations capped as GitHub shows them (capAnnotations). */
export function actionsToolkit(): Toolkit {
  return capAnnotations(coreToolkit());
}

/** GitHub shows at most 10 annotations of each level (error, warning, notice) per step. */
export const GITHUB_ANNOTATIONS_PER_LEVEL = 10;

type Level = 'error' | 'warning' | 'notice';

/**
 * A toolkit whose annotations fit what GitHub shows (10 errors, 10 warnings, 10 notices per step,
 * the rest silently dropped): at most `cap` (8) of each level are annotations; the others are
 * plain log lines (`error: ...`, with their file and line), and when the log section they came in
 * ends (or the step fails) one annotation says `... and N more errors (see the log and the job
 * summary)`. One error is always left for the step's failure (setFailed), so the real failure is
 * in the list however many items failed before it.
 */
export function capAnnotations(inner: Toolkit, cap = 8): Toolkit {
  const limit = {
    error: GITHUB_ANNOTATIONS_PER_LEVEL - 1,
    warning: GITHUB_ANNOTATIONS_PER_LEVEL,
    notice: GITHUB_ANNOTATIONS_PER_LEVEL,
  };
  const shown = { error: 0, warning: 0, notice: 0 };
  const held = { error: 0, warning: 0, notice: 0 };
  let depth = 0;
  const plural = { error: 'errors', warning: 'warnings', notice: 'notices' };
  const annotate = (level: Level, message: string, where?: Annotation): void => {
    if (shown[level] < Math.min(cap, limit[level])) {
      shown[level]++;
      inner[level](message, where);
      return;
    }
    held[level]++;
    const at = where?.file ? ` (${where.file}${where.startLine ? `:${where.startLine}` : ''})` : '';
    // Stopped workflow commands around it: a message may hold text from elsewhere over several lines.
    inner.untrusted(`${level}${at}: ${message}`);
  };
  const flush = (): void => {
    for (const level of ['error', 'warning', 'notice'] as const) {
      if (held[level] === 0 || shown[level] >= limit[level]) continue;
      shown[level]++;
      inner[level](`... and ${held[level]} more ${plural[level]} (see the log and the job summary)`);
      held[level] = 0;
    }
  };
  return {
    ...inner,
    error: (m, where) => annotate('error', m, where),
    warning: (m, where) => annotate('warning', m, where),
    notice: (m, where) => annotate('notice', m, where),
    async group(name, fn) {
      depth++;
      try {
        return await inner.group(name, fn);
      } finally {
        if (--depth === 0) flush();
      }
    },
    startGroup(name) {
      depth++;
      inner.startGroup(name);
    },
    endGroup() {
      inner.endGroup();
      depth = Math.max(0, depth - 1);
      if (depth === 0) flush();
    },
    setFailed(m) {
      flush();
      inner.setFailed(m);
    },
  };
}

function coreToolkit(): Toolkit {
  return {
    getInput: (name) => core.getInput(name),
    info: (m) => core.info(m),
    untrusted: (text) => {
      const token = randomBytes(16).toString('hex');
      core.info(`::stop-commands::${token}`);
      core.info(text);
      core.info(`::${token}::`);
    },
    debug: (m) => core.debug(m),
    warning: (m, where) => core.warning(m, where),
    error: (m, where) => core.error(m, where),
    notice: (m, where) => core.notice(m, where),
    group: (name, fn) => core.group(name, fn),
    startGroup: (name) => core.startGroup(name),
    endGroup: () => core.endGroup(),
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: (m) => core.setFailed(m),
    setSecret: (v) => core.setSecret(v),
    async appendSummary(markdown) {
      try {
        await core.summary.addRaw(markdown, true).write();
      } catch (e) {
        core.summary.emptyBuffer();
        throw e;
      }
    },
  };
}

/** The step's environment as the stages read it (main passes `process.env`). */
export type RunEnv = Readonly<Record<string, string | undefined>>;
