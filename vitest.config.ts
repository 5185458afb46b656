import { defineConfig } from 'vitest/config';

// One root config runs every package's tests. Browser tests drive a real Chromium through
// playwright-core and start real servers, so they get their own project with longer timeouts.
// The global setup installs what the tests need when it is missing and owns the run's Redis keys.
export default defineConfig({
  test: {
    globalSetup: ['scripts/test-setup.ts'],
    projects: [
      {
        test: {
          name: 'shared',
          root: 'packages/shared',
          include: ['test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'server',
          root: 'packages/server',
          include: ['test/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['packages/widget/test/**/*.test.ts', 'demo/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
