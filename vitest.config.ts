import { defineConfig } from 'vitest/config';

// Two projects: `unit` (fast, no broker, includes the embedded log) and `kafka` (real broker from
// test/kafka/global-setup.ts). `npm test` runs both.
export default defineConfig({
  // `import … from 'rivulet'` resolves to the TypeScript sources (package.json exports), no build needed.
  resolve: { conditions: ['rivulet-source'] },
  ssr: { resolve: { conditions: ['rivulet-source'] } },
  test: {
    // The engine logs state changes at info; tests show warnings and errors only (set RIVULET_LOG_LEVEL to see more).
    env: { RIVULET_LOG_LEVEL: process.env.RIVULET_LOG_LEVEL ?? 'warn' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.kafka.test.ts', '**/node_modules/**', 'dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'kafka',
          include: ['**/*.kafka.test.ts'],
          exclude: ['**/node_modules/**', 'dist/**'],
          globalSetup: ['test/kafka/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // one file at a time: the broker and the 2 cores are shared
          fileParallelism: false,
        },
      },
    ],
  },
});
