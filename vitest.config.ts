import { defineConfig } from 'vitest/config'
import { playwright } from '@vitest/browser-playwright'
import { fileURLToPath } from 'node:url'

// Debian's Chromium; no browser download ever happens (see .ci/run).
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const root = fileURLToPath(new URL('.', import.meta.url))
const sources = ['packages/*/src/**/*', 'tools/*/src/**/*']

export default defineConfig({
  test: {
    root,
    // The JSON report feeds scripts/test-summary.mjs (CI's `N passed, N failed` line).
    reporters: ['default', ['json', { outputFile: '.vitest-results/results.json' }]],
    projects: [
      {
        test: {
          name: 'node',
          root,
          environment: 'node',
          // examples/*: Node tests that build an example and drive it (e.g. with playwright-core).
          include: [...sources.map((s) => `${s}.test.ts`), 'examples/*/src/**/*.test.ts', 'scripts/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        // Pre-bundle the packages' third-party deps up front: discovering one mid-run makes Vite
        // reload the page, which can fail a test on a fresh clone (CI always starts cold).
        optimizeDeps: {
          include: [
            '@daf/services > lossless-json',
            '@daf/services > ajv',
            '@daf/volume > aws4fetch',
            '@daf/volume > fast-png',
            '@daf/volume > fzstd',
            '@daf/volume > jpeg-js',
            '@daf/volume > json5',
            '@daf/lookup > apache-arrow',
          ],
        },
        test: {
          name: 'browser',
          root,
          // A page cannot start a server: the local deployment runs in Node for the whole project.
          globalSetup: ['tools/dev-server/src/vitest-global-setup.ts'],
          include: sources.map((s) => `${s}.browser.test.ts`),
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromiumPath,
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-quic',
                  '--no-first-run',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
})
