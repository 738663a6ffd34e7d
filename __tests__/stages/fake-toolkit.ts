// A toolkit that records what a stage logged, annotated and set, for the stage tests: the seam
// between a stage and the runner, read back as plain data.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunContext } from '../../src/context';
import { parseInputs } from '../../src/inputs';
import type { Annotation, Toolkit } from '../../src/toolkit';
import { inputEnv } from '../support/runner';

export interface Recorded {
  /** Every log line in order: `info: ...`, `debug: ...`, `group: name`, `endgroup`. */
  log: string[];
  annotations: { level: 'error' | 'warning' | 'notice'; message: string; where?: Annotation }[];
  outputs: Record<string, string>;
  summary: string;
  failed: string[];
  secrets: string[];
}

export function fakeToolkit(inputs: Record<string, string> = {}): { tk: Toolkit; rec: Recorded } {
  const rec: Recorded = { log: [], annotations: [], outputs: {}, summary: '', failed: [], secrets: [] };
  const env = inputEnv(inputs);
  const tk: Toolkit = {
    getInput: (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '',
    info: (m) => void rec.log.push(`info: ${m}`),
    // Container output: recorded like a log line (the real toolkit stops commands around it).
    untrusted: (m) => void rec.log.push(`info: ${m}`),
    debug: (m) => void rec.log.push(`debug: ${m}`),
    warning: (message, where) =>
      void rec.annotations.push({ level: 'warning', message, ...(where && { where }) }),
    error: (message, where) =>
      void rec.annotations.push({ level: 'error', message, ...(where && { where }) }),
    notice: (message, where) =>
      void rec.annotations.push({ level: 'notice', message, ...(where && { where }) }),
    async group(name, fn) {
      rec.log.push(`group: ${name}`);
      try {
        return await fn();
      } finally {
        rec.log.push('endgroup');
      }
    },
    startGroup: (name) => void rec.log.push(`group: ${name}`),
    endGroup: () => void rec.log.push('endgroup'),
    setOutput: (name, value) => void (rec.outputs[name] = value),
    setFailed: (m) => void rec.failed.push(m),
    setSecret: (v) => void rec.secrets.push(v),
    appendSummary: async (markdown) => void (rec.summary += markdown),
  };
  return { tk, rec };
}

/** A run context on plain data: the action's defaults plus `inputs`, a fresh workspace, `env`. */
export function fakeContext(
  inputs: Record<string, string> = {},
  opts: { workspace?: string; env?: Record<string, string> } = {},
): { ctx: RunContext; rec: Recorded } {
  const workspace = opts.workspace ?? mkdtempSync(join(tmpdir(), 'flow-stage-'));
  const { tk, rec } = fakeToolkit(inputs);
  const env = { RUNNER_TEMP: join(workspace, '.runner-temp'), ...opts.env };
  const config = parseInputs((n) => tk.getInput(n), { workspace, cpuCount: 2, env });
  return { ctx: { tk, config, workspace, env }, rec };
}
