// The `docker run` that starts the server for one target with one plugin, the way upstream's own
// UI tests start it headless: an empty working folder, a fresh plugins folder, a temp sqlite
// database, a free loopback port. The server runs inside the target's builder image (its C
// library): arm through the binfmt_misc emulator, with QEMU_LD_PREFIX pointing at the image's
// cross C library. Pure: tested as data.
import type { Target } from '../build/targets';

/** Where the run folder (plugins, data, an empty working folder) and the binary appear in the container. */
export const RUN_DIR = '/flow-verify/run';
export const SERVER_PATH = '/flow-verify/bin/server';

/** The cross C library of each emulated architecture in the builder images (QEMU_LD_PREFIX). */
export const QEMU_LD_PREFIX: Record<string, string> = {
  arm64: '/usr/aarch64-linux-gnu',
  arm: '/usr/arm-linux-gnueabihf',
  riscv64: '/usr/riscv64-linux-gnu',
};

/**
 * 386 runs natively. Upstream's 386 image has the 32-bit loader at /lib/ld-linux.so.2; an image
 * that only has the cross C library (`libc6-i386-cross`) keeps it under /usr/i686-linux-gnu, so
 * the server is started through that loader there.
 */
export const I386_START =
  'if [ ! -e /lib/ld-linux.so.2 ] && [ -e /usr/i686-linux-gnu/lib/ld-linux.so.2 ]; then ' +
  'exec /usr/i686-linux-gnu/lib/ld-linux.so.2 --library-path /usr/i686-linux-gnu/lib "$0"; fi; exec "$0"';

export interface ServerContainer {
  /** The container's name (`docker rm -f` stops it). */
  name: string;
  image: string;
  target: Target;
  /** Run through a registered emulator (arm) or natively. */
  via: 'native' | 'emulator';
  /** Host path of the server binary (mounted read-only). */
  serverBinary: string;
  /** Host folder holding `plugins/` (the one plugin), `data/` and an empty `work/`. */
  runDir: string;
  port: number;
  user?: { uid: number; gid: number };
}

/** The environment the server reads its configuration from. */
export function serverEnv(port: number): string[] {
  return [
    `GOTIFY_SERVER_PORT=${port}`,
    'GOTIFY_SERVER_LISTENADDR=127.0.0.1',
    'GOTIFY_DATABASE_DIALECT=sqlite3',
    `GOTIFY_DATABASE_CONNECTION=${RUN_DIR}/data/gotify.db`,
    `GOTIFY_PLUGINSDIR=${RUN_DIR}/plugins`,
    `GOTIFY_UPLOADEDIMAGESDIR=${RUN_DIR}/data/images`,
  ];
}

export function serverArgv(c: ServerContainer): string[] {
  const args = ['run', '--rm', '--name', c.name, '--network', 'host'];
  if (c.user) args.push('--user', `${c.user.uid}:${c.user.gid}`);
  args.push('-v', `${c.serverBinary}:${SERVER_PATH}:ro`, '-v', `${c.runDir}:${RUN_DIR}`);
  args.push('-w', `${RUN_DIR}/work`, '-e', 'HOME=/tmp');
  for (const e of serverEnv(c.port)) args.push('-e', e);
  const prefix = QEMU_LD_PREFIX[c.target.arch];
  if (c.via === 'emulator' && prefix) args.push('-e', `QEMU_LD_PREFIX=${prefix}`);
  args.push(c.image);
  if (c.target.arch === '386') args.push('sh', '-c', I386_START, SERVER_PATH);
  else args.push(SERVER_PATH);
  return args;
}

/** Stops and removes the container, whatever state it is in. */
export function removeContainerArgv(name: string): string[] {
  return ['rm', '-f', name];
}
