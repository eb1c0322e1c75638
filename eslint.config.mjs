// ESLint for every TypeScript file: typescript-eslint's type-aware recommended rules (promises
// awaited or handled, no floating promises), on the project's tsconfig. Formatting is Prettier's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['cdk.out/**', '.tmp/**', '.venv/**', 'node_modules/**', 'catalog-products/product-stack-snapshots/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // An async function that implements a Promise-returning contract (a Lambda handler, a fake of an
      // async interface) needs no await to be right.
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a value taken out on purpose (a destructured field left behind).
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests, benchmarks and their simulated worlds read synthesized templates, AWS mock inputs and JSON outputs, which are
    // untyped (any) by nature; asserting on them is their job. Everything else still applies.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'worlds/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
