// The dev loop's command line as data (scripts/dev-loop.ts); the loop itself runs over the wire in
// dev-loop.wire.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDevArgs } from '../scripts/dev-loop';
import { actionInterface } from '../scripts/workflow-blocks.mjs';
import { projectRoot } from './support/runner';

const inputs = actionInterface(readFileSync(join(projectRoot, 'action.yml'), 'utf8')).inputs;

describe('parseDevArgs', () => {
  it('defaults: the fixture plugin and server, fixture modules, no inputs', () => {
    expect(parseDevArgs([], inputs)).toEqual({
      server: 'fixture',
      modules: 'fixture',
      inPlace: false,
      inputs: {},
      env: {},
    });
  });

  it('a plugin folder, inputs as NAME=VALUE (values may hold =), options anywhere', () => {
    expect(
      parseDevArgs(
        [
          'plugins/x',
          'targets=linux-amd64',
          '--server',
          'real',
          'build-flags=-tags=a',
          '--env',
          'GOFLAGS=-mod=mod',
          '--in-place',
        ],
        inputs,
      ),
    ).toEqual({
      plugin: 'plugins/x',
      server: 'real',
      modules: 'proxy',
      inPlace: true,
      inputs: { targets: 'linux-amd64', 'build-flags': '-tags=a' },
      env: { GOFLAGS: '-mod=mod' },
    });
    expect(parseDevArgs(['--go', '1.23.5', '--modules', 'bed', 'build=false'], inputs)).toMatchObject({
      go: '1.23.5',
      modules: 'bed',
      inputs: { build: 'false' },
    });
  });

  it('reads the inputs from action.yml, and refuses others naming them', () => {
    expect(() => parseDevArgs(['target=linux-amd64'], inputs)).toThrow(
      /^"target" is not an input of action.yml; the inputs are: .*targets/,
    );
  });

  it('says what to write for every other mistake', () => {
    const bad: [string[], string][] = [
      [['--server', 'gotify'], '--server gotify: write --server fixture or --server real'],
      [['--modules', 'net'], '--modules net: write --modules fixture, bed or proxy'],
      [['--server'], '--server needs a value'],
      [['--env', 'X'], '--env "X": write NAME=VALUE'],
      [['--go', 'latest'], '--go latest: write a Go version such as --go 1.26.11'],
      [
        ['--go', '1.26.1', '--server', 'real'],
        "--go sets the fixture server's Go: it needs --server fixture",
      ],
      [['--in-place'], '--in-place needs a plugin folder'],
      [['a', 'b'], 'a second plugin folder "b" (the first is "a"); inputs are written NAME=VALUE'],
      [['--verbose'], 'unknown option --verbose (options: --server, --go, --modules, --env, --in-place)'],
    ];
    for (const [argv, message] of bad)
      expect(() => parseDevArgs(argv, inputs), argv.join(' ')).toThrow(message);
  });
});
