import { defineConfig } from 'vitest/config';

// Three kinds of tests, all run by `npm test` (and by .ci/run):
//  - unit:   pure functions and adapters faked at module seams; no processes, no network.
//  - wire:   the committed bundle or real adapters against the local GitHub stand-in, and the
//            differential go.mod tests against the real `go` tool.
//  - docker: end-to-end builds in real builder images (needs dockerd and the images, see .ci/run).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/**/*.test.ts'],
          exclude: ['__tests__/**/*.wire.test.ts', '__tests__/**/*.docker.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'wire',
          include: ['__tests__/**/*.wire.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'docker',
          include: ['__tests__/**/*.docker.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
