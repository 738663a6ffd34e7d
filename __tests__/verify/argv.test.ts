import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/build/targets';
import { I386_START, removeContainerArgv, serverArgv, type ServerContainer } from '../../src/verify/argv';

const base: ServerContainer = {
  name: 'flow-verify-linux-amd64-40001-7',
  image: 'flow/build:1.23.5-linux-amd64',
  target: parseTarget('linux-amd64'),
  via: 'native',
  serverBinary: '/rt/tool-cache/flow-server-gotify-server/0.0.0-v2-6-1-xabc/linux-amd64/server',
  runDir: '/rt/flow-verify/verify-linux-amd64-x1',
  port: 40001,
  user: { uid: 1001, gid: 121 },
};

const env = [
  '-e',
  'HOME=/tmp',
  '-e',
  'GOTIFY_SERVER_PORT=40001',
  '-e',
  'GOTIFY_SERVER_LISTENADDR=127.0.0.1',
  '-e',
  'GOTIFY_DATABASE_DIALECT=sqlite3',
  '-e',
  'GOTIFY_DATABASE_CONNECTION=/flow-verify/run/data/gotify.db',
  '-e',
  'GOTIFY_PLUGINSDIR=/flow-verify/run/plugins',
  '-e',
  'GOTIFY_UPLOADEDIMAGESDIR=/flow-verify/run/data/images',
];

// prettier-ignore
describe('serverArgv', () => {
  it('amd64: a named, removed container on the host network, as the runner, headless configuration', () => {
    expect(serverArgv(base)).toEqual([
      'run', '--rm', '--name', 'flow-verify-linux-amd64-40001-7', '--network', 'host',
      '--user', '1001:121',
      '-v', `${base.serverBinary}:/flow-verify/bin/server:ro`,
      '-v', '/rt/flow-verify/verify-linux-amd64-x1:/flow-verify/run',
      '-w', '/flow-verify/run/work',
      ...env,
      'flow/build:1.23.5-linux-amd64',
      '/flow-verify/bin/server',
    ]);
  });

  it('arm through the emulator: QEMU_LD_PREFIX at the image cross C library', () => {
    const arm64 = serverArgv({ ...base, target: parseTarget('linux-arm64'), via: 'emulator', image: 'i:arm64' });
    expect(arm64.slice(-4)).toEqual(['-e', 'QEMU_LD_PREFIX=/usr/aarch64-linux-gnu', 'i:arm64', '/flow-verify/bin/server']);
    const arm7 = serverArgv({ ...base, target: parseTarget('linux-arm-7'), via: 'emulator', image: 'i:arm' });
    expect(arm7.slice(-4)).toEqual(['-e', 'QEMU_LD_PREFIX=/usr/arm-linux-gnueabihf', 'i:arm', '/flow-verify/bin/server']);
  });

  it('386 natively, through the cross loader when the image has no /lib/ld-linux.so.2', () => {
    const argv = serverArgv({ ...base, target: parseTarget('linux-386'), image: 'i:386' });
    expect(argv.slice(-5)).toEqual(['i:386', 'sh', '-c', I386_START, '/flow-verify/bin/server']);
    expect(argv).not.toContain('QEMU_LD_PREFIX');
  });

  it('without a user (not POSIX): no --user', () => {
    const { user: _, ...noUser } = base;
    expect(serverArgv(noUser)).not.toContain('--user');
  });

  it('stopping: docker rm -f <name>', () => {
    expect(removeContainerArgv('flow-verify-x')).toEqual(['rm', '-f', 'flow-verify-x']);
  });
});
