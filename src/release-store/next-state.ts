// The plugin release as a store, its one decision: from what the release holds (a snapshot read
// once under the lock, snapshot.ts) and what a run brings (its plugin files and their index
// entries), the release's next state as plain data - plugin files added, replaced or left as they
// are, index entries added, replaced or dropped, the checksums lines - or a refusal that names what
// stands in the way. Pure: no I/O, tested as tables; apply.ts writes what it decides.
//
// The rules, the same in every mode (tag build, publish, follow):
// - a plugin file on the release with other bytes is replaced only with `overwrite: true`; follow
//   never replaces a file that the index names for a server release it did not build;
// - an entry whose file this run writes is dropped (it would name other bytes); every other entry
//   of other releases and of other targets of this run's releases stays as it was;
// - checksums.txt keeps its lines for the files this run does not write and gets one line per file
//   it writes; plugins.json and checksums.txt are left alone when the run is told not to write them,
//   and then the run refuses to replace a file they name (they would lie about it);
// - follow leaves out a server release the index covers already (another run added it meanwhile).
import { CHECKSUMS_FILE_NAME, formatChecksums, type ChecksumEntry } from '../publish/checksums';
import {
  formatPluginIndex,
  PLUGIN_INDEX_FILE_NAME,
  type IndexRelease,
  type PluginIndex,
} from '../publish/plugin-index';
import { isTempName, LOCK_NAME } from './names';

export type StoreMode = 'build' | 'publish' | 'follow';

/** One asset of the release as read (names as GitHub lists them). */
export interface StoredAsset {
  id: number;
  name: string;
  size: number;
  /** Lowercase hex SHA-256 of the bytes (GitHub's `digest`); absent while an upload is unfinished. */
  sha256?: string;
  state: string;
  createdAt: string;
  url: string;
}

/** The release as read once under the lock, every part checked (snapshot.ts). */
export interface Snapshot {
  tag: string;
  draft: boolean;
  assets: StoredAsset[];
  index?: PluginIndex;
  checksums?: ChecksumEntry[];
}

/** A plugin file a run brings. */
export interface RunFile {
  name: string;
  sha256: string;
  size: number;
  serverTag: string;
  target: string;
}

export interface RunWants {
  mode: StoreMode;
  files: readonly RunFile[];
  /** This run's index (only the releases it built); absent when it writes no index. */
  index?: PluginIndex;
  writeIndex: boolean;
  writeChecksums: boolean;
  overwrite: boolean;
}

export type FileAction = 'add' | 'replace' | 'leave';

export interface PlannedFile {
  name: string;
  sha256: string;
  size: number;
  action: FileAction;
  /** `plugin`, or the store's own files. */
  kind: 'plugin' | 'checksums' | 'index';
  /** The text of checksums.txt / plugins.json. */
  text?: string;
}

export interface NextState {
  /** Plugin files first, then checksums.txt, then plugins.json (the order they are put in place). */
  files: PlannedFile[];
  /** Server releases this run writes entries (and files) for. */
  writes: string[];
  /** follow: server releases the index covers already (nothing of this run's written for them). */
  meanwhile: string[];
  /** `tag target` of index entries. */
  entries: { added: string[]; replaced: string[]; dropped: string[]; kept: number };
  /** Plugin files the old index named that no entry names any more: removed after the swap. */
  remove: string[];
  /** The index as it will be (absent: the release has none and gets none). */
  index?: PluginIndex;
}

export type Decision = { ok: true; next: NextState } | { ok: false; refused: string };

const refuse = (refused: string): Decision => ({ ok: false, refused });

export function nextState(snap: Snapshot, wants: RunWants, sha256Of: (text: string) => string): Decision {
  const tag = snap.tag;
  const names = new Set<string>();
  for (const f of wants.files) {
    if (f.name === CHECKSUMS_FILE_NAME || f.name === PLUGIN_INDEX_FILE_NAME || f.name === LOCK_NAME)
      return refuse(`a plugin file cannot be named ${f.name}: the release keeps its own file of that name`);
    if (isTempName(f.name))
      return refuse(
        `${f.name} looks like a temporary name of an interrupted update; choose another file name`,
      );
    if (names.has(f.name))
      return refuse(
        `this run names ${f.name} twice (two targets or releases, one file name): put {server} and {target} in file-name`,
      );
    names.add(f.name);
  }
  if (wants.mode === 'follow' && !wants.writeIndex)
    return refuse('follow reads and extends plugins.json to know what is covered: set plugin-index: true');
  if (wants.writeIndex && !wants.index && wants.files.length > 0)
    return refuse('plugins.json cannot be written without the plugin module path (go.mod)');

  const onRelease = new Map(snap.assets.filter((a) => a.state === 'uploaded').map((a) => [a.name, a]));
  const current = snap.index;
  if (current && wants.index) {
    for (const key of ['plugin', 'module', 'serverRepository'] as const) {
      if (current[key] !== wants.index[key])
        return refuse(
          `plugins.json of release ${tag} is for ${key} "${current[key]}", this run's for "${wants.index[key]}": another plugin's release? Choose this plugin's release (release-tag), or delete plugins.json there`,
        );
    }
  }

  // follow: a release the index covers now was added by another run meanwhile: left out.
  const meanwhile =
    wants.mode === 'follow' && current
      ? [...new Set(wants.files.map((f) => f.serverTag))].filter((t) => t in current.releases)
      : [];
  const files = wants.files.filter((f) => !meanwhile.includes(f.serverTag));
  const writes = [...new Set(files.map((f) => f.serverTag))];
  const ours = new Set(files.map((f) => f.name));

  // Who names each file on the release now.
  const namedBy = new Map<string, string[]>();
  for (const [t, r] of Object.entries(current?.releases ?? {}))
    for (const [target, e] of Object.entries(r.targets))
      namedBy.set(e.file, [...(namedBy.get(e.file) ?? []), `${t} ${target}`]);

  const planned: PlannedFile[] = [];
  const blocked: string[] = [];
  const covered: string[] = [];
  const unindexed: string[] = [];
  for (const f of files) {
    const there = onRelease.get(f.name);
    const action: FileAction = !there ? 'add' : there.sha256 === f.sha256 ? 'leave' : 'replace';
    if (action === 'replace') {
      if (!wants.overwrite) blocked.push(f.name);
      const others = (namedBy.get(f.name) ?? []).filter((k) => !writes.includes(k.split(' ')[0]!));
      if (wants.mode === 'follow' && others.length > 0) covered.push(`${f.name} (${others.join(', ')})`);
      // Without an index every file there is someone's (a release made before the action wrote one).
      if (wants.mode === 'follow' && !current) unindexed.push(f.name);
    }
    planned.push({ name: f.name, sha256: f.sha256, size: f.size, action, kind: 'plugin' });
  }
  if (covered.length > 0)
    return refuse(
      `plugins.json of release ${tag} already names ${covered.join(', ')}, which a follow run never replaces: use a file-name with {server}; nothing was written`,
    );
  if (unindexed.length > 0)
    return refuse(
      `release ${tag} has no plugins.json but already has ${unindexed.join(', ')}, which a follow run never replaces: use another file-name, or remove the file; nothing was written`,
    );
  if (blocked.length > 0)
    return refuse(
      `release ${tag} already has ${blocked.join(', ')} with other bytes and overwrite is false: nothing was written. Set overwrite: true to replace ${blocked.length === 1 ? 'it' : 'them'}, or delete ${blocked.length === 1 ? 'that asset' : 'those assets'}`,
    );
  const replaced = planned.filter((p) => p.action === 'replace').map((p) => p.name);

  // The index: this run's entries in, entries naming a file this run writes out, the rest kept.
  let index: PluginIndex | undefined;
  const orphans: string[] = [];
  const entries = { added: [] as string[], replaced: [] as string[], dropped: [] as string[], kept: 0 };
  if (wants.writeIndex && wants.index && files.length > 0) {
    const releases: Record<string, IndexRelease> = {};
    for (const [t, r] of Object.entries(current?.releases ?? {}))
      releases[t] = { ...r, targets: { ...r.targets } };
    for (const t of writes) {
      const mine = wants.index.releases[t];
      if (!mine) return refuse(`this run's plugins.json has no entry for ${t}, whose files it writes`);
      const before = releases[t];
      for (const [target, e] of Object.entries(mine.targets)) {
        if (!ours.has(e.file))
          return refuse(`this run's plugins.json names ${e.file}, which it does not write`);
        const old = before?.targets[target];
        if (!old) entries.added.push(`${t} ${target}`);
        else if (JSON.stringify(old) !== JSON.stringify(e)) entries.replaced.push(`${t} ${target}`);
      }
      releases[t] = { ...mine, targets: { ...before?.targets, ...mine.targets } };
    }
    for (const [t, r] of Object.entries(releases)) {
      for (const [target, e] of Object.entries(r.targets)) {
        const mine = writes.includes(t) && wants.index.releases[t]?.targets[target] !== undefined;
        if (mine) continue;
        if (ours.has(e.file)) {
          delete r.targets[target];
          entries.dropped.push(`${t} ${target}`);
        } else entries.kept++;
      }
      if (Object.keys(r.targets).length === 0) delete releases[t];
    }
    index = { ...(current ?? wants.index), releases };
    // A file the old index named that no entry names now (its entry was re-pointed to a file of
    // another name: file-name changed) would stay behind unindexed: it goes, with overwrite only.
    const named = new Set(
      Object.values(releases).flatMap((r) => Object.values(r.targets).map((e) => e.file)),
    );
    orphans.push(...[...namedBy.keys()].filter((n) => !named.has(n) && !ours.has(n) && onRelease.has(n)));
    if (orphans.length > 0 && !wants.overwrite)
      return refuse(
        `plugins.json of release ${tag} names ${orphans.join(', ')} for ${orphans.flatMap((n) => namedBy.get(n)!).join(', ')}, which this run writes under another name, and overwrite is false: set overwrite: true (the old file is then removed), or delete it`,
      );
  } else if (current) {
    // No index written: it must not name a file this run replaces.
    const lies = replaced.filter((n) => namedBy.has(n));
    if (lies.length > 0)
      return refuse(
        `plugins.json of release ${tag} names ${lies.join(', ')}, which this run replaces, and plugin-index is false: it would then name other bytes. Set plugin-index: true, or delete plugins.json`,
      );
    index = current;
  }

  let checksums: string | undefined;
  if (wants.writeChecksums && files.length > 0) {
    checksums = formatChecksums([
      ...(snap.checksums ?? []).filter((e) => !ours.has(e.fileName) && !orphans.includes(e.fileName)),
      ...files.map((f) => ({ fileName: f.name, sha256: f.sha256 })),
    ]);
  } else if (snap.checksums) {
    const lies = replaced.filter((n) => snap.checksums!.some((e) => e.fileName === n));
    if (lies.length > 0)
      return refuse(
        `checksums.txt of release ${tag} has a line for ${lies.join(', ')}, which this run replaces, and checksums is false: the line would then be wrong. Set checksums: true, or delete checksums.txt`,
      );
  }

  const own = (name: string, kind: 'checksums' | 'index', text: string): PlannedFile => {
    const sha256 = sha256Of(text);
    const there = onRelease.get(name);
    return {
      name,
      sha256,
      size: Buffer.byteLength(text),
      action: !there ? 'add' : there.sha256 === sha256 ? 'leave' : 'replace',
      kind,
      text,
    };
  };
  if (checksums !== undefined) planned.push(own(CHECKSUMS_FILE_NAME, 'checksums', checksums));
  if (wants.writeIndex && index && files.length > 0)
    planned.push(own(PLUGIN_INDEX_FILE_NAME, 'index', formatPluginIndex(index)));

  return {
    ok: true,
    next: { files: planned, remove: orphans, writes, meanwhile, entries, ...(index && { index }) },
  };
}
