// What the real test bed holds, as data: the gotify server releases it builds and the real
// plugins it builds against them. Everything is pinned; nothing here runs a process.
//
// Why these: the module proxy reachable here serves only some versions. Of gotify/server/v2 it
// serves v2.1.4, v2.5.0, v2.6.0, v2.6.1, v2.8.0 and v2.9.1 (v2.1.6-v2.3.0, v3.0.0 and
// gotify/plugin-template at any version are refused): the bed holds every one of them, on the
// Go series Debian gives us (1.19, 1.22, 1.23 twice, 1.25, 1.26). Of third-party plugins only
// github.com/0xPeterSatoshi/gotify-to-telegram v0.0.3 is served (and the checksum database does
// not know it: its hash is pinned below instead); asked on 2026-12-07, the proxy refused (403) the
// other real plugins whose module line matches their repository: eternal-flame-AD/gotify-broadcast,
// ebaldebo/gotify-webhook, Wuqiyang312/gotify-wechat-plugin, CEKlopfenstein/gotify-repeater
// (asked again that evening: still refused). The shapes of the plugins it does not serve are made
// from real modules instead: echo-2019 is upstream's echo example with the go.mod of a 2019-2021
// plugin (real gin v1.4.0 and github.com/ugorji/go v1.1.4: the ambiguous import), and fixtures
// hold what real modules cannot (align.docker.test.ts: the same split shape on a file proxy;
// go-api.docker.test.ts: std names newer than the go line says). The other plugins are upstream's
// own example plugins shipped inside the server module (plugin/example/*).

/** The server's module path (still `/v2` at every tag, v3.0.0 included). */
export const SERVER_MODULE = 'github.com/gotify/server/v2';

/** The default targets, in the action's order, with the suffix upstream uses in asset names. */
export const REAL_TARGETS = ['linux-amd64', 'linux-arm-7', 'linux-arm64', 'linux-386'] as const;
export type RealTarget = (typeof REAL_TARGETS)[number];

export interface RealServerSpec {
  /** Release tag, e.g. `v2.9.1`. */
  tag: string;
  /** The Go series of the builder image that builds it (the image's full version is recorded). */
  goSeries: string;
  /** GO_VERSION upstream built it with (the builder image has the nearest Debian Go). */
  upstreamGoVersion: string;
}

export const REAL_SERVERS: readonly RealServerSpec[] = [
  { tag: 'v2.1.4', goSeries: '1.19', upstreamGoVersion: '1.16.0' },
  { tag: 'v2.5.0', goSeries: '1.22', upstreamGoVersion: '1.22.4' },
  // v2.6.0 and v2.6.1: two releases of one Go (one builder image, one build cache) for the
  // several-releases tests.
  { tag: 'v2.6.0', goSeries: '1.23', upstreamGoVersion: '1.23.3' },
  { tag: 'v2.6.1', goSeries: '1.23', upstreamGoVersion: '1.23.3' },
  { tag: 'v2.8.0', goSeries: '1.25', upstreamGoVersion: '1.25.1' },
  { tag: 'v2.9.1', goSeries: '1.26', upstreamGoVersion: '1.26.0' },
];

/** The release whose every default target the quick (CI) subset builds and loads. */
export const QUICK_ALL_TARGETS_TAG = 'v2.9.1';

/**
 * Server targets of a matrix: `full` builds every default target of every release; `quick`
 * (the CI subset) every target of QUICK_ALL_TARGETS_TAG and linux-amd64 of the others (one
 * release per Go series at least: every release of the bed).
 */
export function serverTargets(tag: string, matrix: 'quick' | 'full'): RealTarget[] {
  if (matrix === 'full' || tag === QUICK_ALL_TARGETS_TAG) return [...REAL_TARGETS];
  return ['linux-amd64'];
}

export interface RealPluginSpec {
  /** Short name used in file names and the tested-against table. */
  id: string;
  /** Where the source comes from: a module version served by the module proxy. */
  source: { module: string; version: string; subdir?: string };
  /**
   * The plugin's own module path (the `module` line; also what GetGotifyPluginInfo reports as
   * ModulePath, which `GET /plugin` lists).
   */
  module: string;
  /**
   * For sources without a go.mod (upstream's examples live inside the server module): the
   * requirements an author would write, at the versions of the server tag the source comes
   * from; `go mod tidy` then writes go.sum.
   */
  authoredGoMod?: {
    go: string;
    /** Module paths, at the source tag's versions; `path@version` names a version of its own. */
    require: string[];
    /**
     * false: the go.mod is kept as written, not tidied (an old graph that `go mod tidy` refuses
     * until the action repairs it); go.sum is left to the action's tidy.
     */
    tidy?: false;
  };
  /**
   * Requirements added only where the bed downloads what the action's containers will need for
   * each server (`path@version`): the modules of the action's own repair (the containers have
   * no network), not a change to the plugin.
   */
  bedPrefetchRequire?: string[];
  /** Pinned go.sum hash of the source zip, for versions the checksum database does not know. */
  pinnedSum?: string;
  /** A server release it should work with (its `go` line fits that release's Go). */
  serverTag: string;
  /** What makes it a useful case. */
  why: string;
}

export const REAL_PLUGINS: readonly RealPluginSpec[] = [
  {
    id: 'minimal',
    source: { module: SERVER_MODULE, version: 'v2.9.1', subdir: 'plugin/example/minimal' },
    module: 'github.com/gotify/server/v2/example/minimal',
    authoredGoMod: { go: '1.18', require: ['github.com/gotify/plugin-api'] },
    serverTag: 'v2.1.4',
    why: 'upstream example: the plugin API alone, old go line',
  },
  {
    id: 'clock',
    source: { module: SERVER_MODULE, version: 'v2.9.1', subdir: 'plugin/example/clock' },
    module: 'github.com/gotify/server/v2/example/clock',
    authoredGoMod: { go: '1.18', require: ['github.com/gotify/plugin-api', 'github.com/robfig/cron'] },
    serverTag: 'v2.6.1',
    why: 'upstream example: shares github.com/robfig/cron with the server (a pseudo-version up to v2.1.x)',
  },
  {
    id: 'echo',
    source: { module: SERVER_MODULE, version: 'v2.9.1', subdir: 'plugin/example/echo' },
    module: 'github.com/gotify/server/v2/plugin/example/echo',
    authoredGoMod: { go: '1.18', require: ['github.com/gotify/plugin-api', 'github.com/gin-gonic/gin'] },
    serverTag: 'v2.9.1',
    why: 'upstream example: shares gin and its whole dependency tree with the server',
  },
  {
    id: 'telegram',
    source: { module: 'github.com/0xPeterSatoshi/gotify-to-telegram', version: 'v0.0.3' },
    module: 'github.com/0xPeterSatoshi/gotify-to-telegram',
    pinnedSum: 'h1:Rdv7RXVmjjRtDxCIcI1CWzjjNtT+DsfjPBiyBnNPXcE=',
    serverTag: 'v2.9.1',
    why: 'third-party: go 1.23, gin/websocket shared with the server, zerolog and go-cache of its own',
  },
  {
    // A 2019-2021 plugin's graph: gin v1.4.0 required github.com/ugorji/go v1.1.4, which still
    // holds package codec, and gotify/plugin-api v1.0.0 requires the split-out
    // github.com/ugorji/go/codec: `go mod tidy` fails with an ambiguous import on every release.
    id: 'echo-2019',
    source: { module: SERVER_MODULE, version: 'v2.9.1', subdir: 'plugin/example/echo' },
    module: 'github.com/gotify/server/v2/plugin/example/echo',
    authoredGoMod: {
      go: '1.16',
      require: [
        'github.com/gin-gonic/gin@v1.4.0',
        'github.com/gotify/plugin-api',
        'github.com/ugorji/go@v1.1.4',
      ],
      tidy: false,
    },
    bedPrefetchRequire: ['github.com/ugorji/go@v1.1.7'],
    serverTag: 'v2.9.1',
    why: 'old split-module graph: gin v1.4.0 with github.com/ugorji/go v1.1.4 (ambiguous import of its codec package, repaired by align)',
  },
];

/** The plugin and server of the negative control (go-mod-sync: off must make the server refuse it). */
export const NEGATIVE_CONTROL = { plugin: 'telegram', serverTag: 'v2.9.1' } as const;
