// The log of releases that run overlapped, read release by release: each release logs through its
// own toolkit; the release at the head (the earliest not finished) writes straight through, the
// others are kept in order and written when their turn comes (`advance`), groups and all.
// Outputs, secrets, the summary and the step's failure are never held back.
import type { Annotation, Toolkit } from './toolkit';

type Entry =
  | { kind: 'info' | 'untrusted' | 'debug' | 'startGroup'; text: string }
  | { kind: 'warning' | 'error' | 'notice'; text: string; where?: Annotation }
  | { kind: 'endGroup' };

function write(tk: Toolkit, e: Entry): void {
  switch (e.kind) {
    case 'info':
      return tk.info(e.text);
    case 'untrusted':
      return tk.untrusted(e.text);
    case 'debug':
      return tk.debug(e.text);
    case 'startGroup':
      return tk.startGroup(e.text);
    case 'endGroup':
      return tk.endGroup();
    case 'warning':
    case 'error':
    case 'notice':
      return e.where ? tk[e.kind](e.text, e.where) : tk[e.kind](e.text);
  }
}

export interface OrderedLog {
  /** The toolkit of the release at `index` (0 is the head at first). */
  toolkit(index: number): Toolkit;
  /** The head's log is complete: the next release's kept lines are written, and it writes through. */
  advance(): void;
  /** The index of the release writing through now. */
  head(): number;
}

export function orderedLog(tk: Toolkit, count: number): OrderedLog {
  let head = 0;
  const kept: Entry[][] = Array.from({ length: count }, () => []);
  const put = (index: number, e: Entry): void => {
    if (index <= head) write(tk, e);
    else kept[index]!.push(e);
  };
  return {
    head: () => head,
    advance() {
      head++;
      for (const e of kept[head] ?? []) write(tk, e);
      if (head < count) kept[head] = [];
    },
    toolkit(index) {
      return {
        getInput: (name) => tk.getInput(name),
        info: (text) => put(index, { kind: 'info', text }),
        untrusted: (text) => put(index, { kind: 'untrusted', text }),
        debug: (text) => put(index, { kind: 'debug', text }),
        warning: (text, where) => put(index, { kind: 'warning', text, ...(where && { where }) }),
        error: (text, where) => put(index, { kind: 'error', text, ...(where && { where }) }),
        notice: (text, where) => put(index, { kind: 'notice', text, ...(where && { where }) }),
        async group(name, fn) {
          put(index, { kind: 'startGroup', text: name });
          try {
            return await fn();
          } finally {
            put(index, { kind: 'endGroup' });
          }
        },
        startGroup: (text) => put(index, { kind: 'startGroup', text }),
        endGroup: () => put(index, { kind: 'endGroup' }),
        setOutput: (name, value) => tk.setOutput(name, value),
        setFailed: (m) => tk.setFailed(m),
        setSecret: (v) => tk.setSecret(v),
        appendSummary: (markdown) => tk.appendSummary(markdown),
      };
    },
  };
}
