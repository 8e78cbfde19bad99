import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'test-output', 'sample', 'test/fixtures', '**/*.mjs', 'bin'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  // CommonJS scripts (the recorded review session loads the built workbench harness)
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    // core stays pure: no vscode anywhere below the extension layer
    files: [
      'src/core/**/*.ts',
      'src/protocol/**/*.ts',
      'src/cli/**/*.ts',
      'src/runner/**/*.ts',
      'src/webview/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
);
