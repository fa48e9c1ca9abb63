// Lint for the TypeScript of the extension, the engine, the CLI and the webview. Beyond the
// recommended rules, it guards the architecture: only the VS Code front end (commands, panels,
// the interpreter's VS Code sources, activation) may import 'vscode' — the engine, the shared
// types, the CLI, the report and the webview run without it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeFree = {
  paths: [{ name: 'vscode', message: 'The engine, shared types, CLI, report and webview run without VS Code: pass what you need in from src/commands or src/panels.' }],
};

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.vscode-test/', 'test-results/', '**/*.mjs', 'esbuild.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'webview-ui/**/*.ts'],
    ignores: ['src/extension.ts', 'src/commands/**', 'src/panels/**', 'src/interpreter/interpreterSource.ts', 'src/python/interpreterSource.ts'],
    rules: { 'no-restricted-imports': ['error', vscodeFree] },
  },
  {
    // Tests may be long tables of cases; the architecture rule still applies to what they import.
    files: ['test/**/*.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
);
