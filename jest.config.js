/** @type {import('jest').Config} */
// Packages that ship ES modules only (Octokit and its dependencies, the OpenAPI validator's parser): ts-jest turns them into
// CommonJS for the tests, as esbuild does for the Lambda bundles.
const ESM_ONLY = ['@octokit', 'universal-user-agent', 'before-after-hook', 'content-type', 'json-with-bigint', '@apidevtools'];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
    '^.+\\.js$': ['ts-jest', { isolatedModules: true, tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  setupFiles: ['<rootDir>/test/setup/polyfills.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/matchers.ts'],
  testTimeout: 120000,
};
