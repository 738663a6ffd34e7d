// The workflows the README shows and the ones this repository runs, read as plain text (no YAML
// library: workflows here are block-style YAML, and what is read is only where steps, their
// `with:` keys and `steps.<id>.outputs.<name>` are). Pure functions; used by
// scripts/lint-workflows.mjs (actionlint over every workflow and README block) and by
// __tests__/workflows.test.ts (every `with:` key is an input of action.yml, every output read
// is an output of it).

/** The action's published name: `uses: Flow/plugin-build-action@v1` in the README. */
export const ACTION_REPOSITORY = 'Flow/plugin-build-action';

const fence = /^```([A-Za-z0-9_-]*)\s*$/;
const STEP_KEYS = new Set([
  'id',
  'name',
  'uses',
  'run',
  'with',
  'env',
  'if',
  'shell',
  'working-directory',
  'continue-on-error',
  'timeout-minutes',
]);
const JOB_KEYS = new Set([
  'runs-on',
  'steps',
  'strategy',
  'permissions',
  'needs',
  'outputs',
  'services',
  'container',
  'environment',
  'concurrency',
  'defaults',
  'timeout-minutes',
  'continue-on-error',
]);

/** Keys at column 0 of a YAML text (comments and list items aside). */
function topLevelKeys(text) {
  const keys = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][\w-]*):(\s|$)/.exec(line);
    if (m) keys.push(m[1]);
  }
  return keys;
}

/**
 * What a YAML block of the README is, by its top-level keys:
 * - `workflow`: `on:` and `jobs:` - a whole workflow file, checked as it is;
 * - `jobs`: `jobs:` without `on:` - the jobs of a workflow file (the README's matrix example);
 * - `job`: the body of one job (`runs-on:`, `steps:`, ...);
 * - `steps`: a list of steps (lines starting with `- `), as they go under `steps:`;
 * - `step`: one step's keys (`uses:`, `with:`, ...);
 * - `inputs`: a step's keys without `uses:` or `run:` (`with:` alone): this action's step;
 * - `other`: none of these (a configuration snippet, not a workflow): not checked.
 */
export function blockKind(text) {
  const keys = topLevelKeys(text);
  if (keys.includes('jobs')) return keys.includes('on') || keys.includes('"on"') ? 'workflow' : 'jobs';
  if (keys.some((k) => JOB_KEYS.has(k)) && (keys.includes('steps') || keys.includes('runs-on'))) return 'job';
  if (/^- /m.test(text) && /^ {2}(uses|run):|^- (uses|run|id|name|if):/m.test(text)) return 'steps';
  if (
    keys.length > 0 &&
    keys.every((k) => STEP_KEYS.has(k)) &&
    (keys.includes('uses') || keys.includes('run'))
  )
    return 'step';
  if (keys.includes('with') && keys.every((k) => STEP_KEYS.has(k))) return 'inputs';
  return 'other';
}

const indent = (text, n) =>
  text
    .split('\n')
    .map((l) => (l === '' ? l : ' '.repeat(n) + l))
    .join('\n');

/**
 * A README block completed into a workflow file, the way the README says it is used: a `jobs:`
 * block is the jobs of a workflow file that runs on pushes and pull requests (as the first
 * example's); a job body is one job `build` of it; steps and a single step are the steps of that
 * job on `ubuntu-latest`; a step without `uses:` (`with:` alone) is a step of this action.
 * `prefix` lines and `indent` columns were added before the block's own
 * lines (to map a finding back to the README).
 */
export function completeBlock(text, kind = blockKind(text), name = 'README example') {
  const head = [`name: ${JSON.stringify(name)}`, 'on: [push, pull_request]'];
  const wrap = (lines, body, n) => ({
    yaml: [...lines, indent(body, n)].join('\n'),
    prefix: lines.length,
    indent: n,
  });
  switch (kind) {
    case 'workflow':
      return { yaml: text, prefix: 0, indent: 0 };
    case 'jobs':
      return wrap(head, text, 0);
    case 'job':
      return wrap([...head, 'jobs:', '  build:'], text, 4);
    case 'steps':
      return wrap([...head, 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:'], text, 6);
    case 'step': {
      const done = wrap([...head, 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:'], text, 8);
      // The block's first line becomes the list item: `      - uses: ...`.
      const lines = done.yaml.split('\n');
      lines[done.prefix] = `      - ${lines[done.prefix].trimStart()}`;
      return { ...done, yaml: lines.join('\n') };
    }
    case 'inputs':
      return wrap(
        [
          ...head,
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          `      - uses: ${ACTION_REPOSITORY}@v1`,
        ],
        text,
        8,
      );
    default:
      throw new Error(`a README block of kind "${kind}" is not a workflow`);
  }
}

/**
 * Every ```yaml (or ```yml) block of a markdown text, with the README line of its first line,
 * the heading it stands under, its kind and (unless `other`) its completed workflow.
 */
export function readmeWorkflowBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  let heading = 'README';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1].trim();
    const open = fence.exec(lines[i]);
    if (!open) continue;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !/^```\s*$/.test(lines[j]); j++) body.push(lines[j]);
    if (open[1] === 'yaml' || open[1] === 'yml') {
      const text = body.join('\n');
      const kind = blockKind(text);
      const block = { line: i + 2, heading, kind, text };
      if (kind !== 'other') Object.assign(block, completeBlock(text, kind, heading));
      blocks.push(block);
    }
    i = j;
  }
  return blocks;
}

/**
 * `uses: Flow/plugin-build-action@<ref>` (or `.../<path>@<ref>`) as `uses: ./` (`./<path>`): the
 * README's workflows then use this checkout's action.yml, so actionlint checks their `with:`
 * keys and output reads against it. Columns after the rewrite shift; lines do not.
 */
export function asLocalAction(yaml, repository = ACTION_REPOSITORY) {
  const name = repository.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return yaml.replace(
    new RegExp(`(uses:\\s*)${name}(/[^@\\s]+)?@[^\\s#]+`, 'g'),
    (_, lead, path) => `${lead}./${path ? path.slice(1) : ''}`,
  );
}

/** The `inputs:` and `outputs:` names of an action.yml text (its top-level sections). */
export function actionInterface(actionYml) {
  const sections = {};
  let current;
  for (const line of actionYml.split('\n')) {
    const top = /^([A-Za-z_][\w-]*):/.exec(line);
    if (top) {
      current = top[1];
      sections[current] = [];
      continue;
    }
    const key = /^ {2}([A-Za-z0-9_-]+):/.exec(line);
    if (key && current) sections[current].push(key[1]);
  }
  return { inputs: sections.inputs ?? [], outputs: sections.outputs ?? [] };
}

const lead = (line) => /^ */.exec(line)[0].length;
const blank = (line) => /^\s*(#.*)?$/.test(line);

/**
 * The steps of a workflow text and the step outputs it reads, by job: every list item under a
 * `steps:` key, with its `id`, `name`, `uses`, `run` (a block scalar's lines, without blank and
 * comment lines) and `with:` keys (and their lines, 1-based); every
 * `steps.<id>.outputs.<name>` with its job and line. Block style only: a `with:` written in flow
 * style (`with: {a: b}`) is reported as `flowWith` so a check can refuse it.
 */
export function scanWorkflow(yaml) {
  const lines = yaml.split('\n');
  const steps = [];
  const reads = [];
  let job;
  let jobsAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (blank(line)) continue;
    const col = lead(line);
    if (col === 0) jobsAt = /^jobs:\s*$/.test(line) ? i : -1;
    if (jobsAt >= 0 && col === 2) {
      const m = /^ {2}([A-Za-z_][\w-]*):/.exec(line);
      if (m) job = m[1];
    }
    for (const m of line.matchAll(/steps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g))
      reads.push({ job, id: m[1], output: m[2], line: i + 1 });
    const stepsKey = /^(\s*)steps:\s*$/.exec(line);
    if (!stepsKey) continue;
    // The list under `steps:`: items at one column, each running until the next item or less indent.
    let j = i + 1;
    while (j < lines.length && blank(lines[j])) j++;
    const item = /^(\s*)- /.exec(lines[j] ?? '');
    if (!item || item[1].length < stepsKey[1].length) continue;
    const dash = item[1].length;
    for (; j < lines.length; j++) {
      if (blank(lines[j])) continue;
      const c = lead(lines[j]);
      if (c < dash || (c === dash && !/^\s*- /.test(lines[j]))) break;
      if (c !== dash) continue;
      const step = { job, line: j + 1, with: [] };
      const keyCol = dash + 2;
      let withAt = -1;
      let withCol = -1;
      let runAt = -1;
      let runCol = -1;
      for (let k = j; k < lines.length; k++) {
        if (k > j && blank(lines[k])) continue;
        if (k > j && lead(lines[k]) <= dash) break;
        const text = k === j ? ' '.repeat(keyCol) + lines[k].slice(keyCol) : lines[k];
        const own = new RegExp(`^ {${keyCol}}([A-Za-z_][\\w-]*):\\s*(.*)$`).exec(text);
        if (own) {
          const value = own[2]
            .replace(/\s+#.*$/, '')
            .trim()
            .replace(/^(['"])(.*)\1$/, '$2');
          withAt = -1;
          runAt = -1;
          if (own[1] === 'id') step.id = value;
          if (own[1] === 'name') step.name = value;
          if (own[1] === 'run') {
            if (/^[|>][-+]?$/.test(value)) {
              runAt = keyCol;
              step.run = '';
            } else step.run = value;
          }
          if (own[1] === 'uses') step.uses = value;
          if (own[1] === 'with') {
            if (value) step.flowWith = true;
            else withAt = keyCol;
          }
          continue;
        }
        if (runAt >= 0) {
          if (runCol < 0) runCol = lead(text);
          step.run += `${text.slice(runCol)}\n`;
        }
        if (withAt >= 0) {
          // The first line under `with:` sets the keys' column; deeper lines are values.
          const key = /^(\s*)([A-Za-z0-9_-]+):/.exec(text);
          if (withCol < 0) withCol = lead(text);
          if (key && key[1].length === withCol) step.with.push({ key: key[2], line: k + 1 });
        }
      }
      steps.push(step);
    }
  }
  return { steps, reads };
}

/** True for a `uses:` of this action: `./` (this checkout) or `Flow/plugin-build-action@<ref>`. */
export function usesThisAction(uses, repository = ACTION_REPOSITORY) {
  if (!uses) return false;
  if (uses === './' || uses === '.') return true;
  return uses.toLowerCase().startsWith(`${repository.toLowerCase()}@`);
}

/**
 * What a workflow asks of this action that action.yml does not have: `with:` keys that are not
 * inputs, `steps.<id>.outputs.<name>` reads of a step of this action that are not outputs, and
 * `with:` written in flow style (not checked, so refused).
 */
export function interfaceFindings(yaml, iface, repository = ACTION_REPOSITORY) {
  const { steps, reads } = scanWorkflow(yaml);
  const findings = [];
  const ours = steps.filter((s) => usesThisAction(s.uses, repository));
  for (const s of ours) {
    if (s.flowWith)
      findings.push({
        line: s.line,
        message: `write the step's with: as a block (one key a line), so it can be checked`,
      });
    for (const w of s.with)
      if (!iface.inputs.includes(w.key))
        findings.push({ line: w.line, message: `with: ${w.key} is not an input of action.yml` });
  }
  for (const r of reads) {
    const step = ours.find((s) => s.id === r.id && s.job === r.job);
    if (step && !iface.outputs.includes(r.output))
      findings.push({
        line: r.line,
        message: `steps.${r.id}.outputs.${r.output}: ${r.output} is not an output of action.yml`,
      });
  }
  return findings;
}
