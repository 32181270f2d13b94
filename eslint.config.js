// Lint rules that protect the architecture, not only the style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Time is a port: wall-clock reads outside src/clock would make backtests differ from live runs.
const wallClockBan = {
  'no-restricted-properties': [
    'error',
    {
      object: 'Date',
      property: 'now',
      message: 'Read time from the Clock port (src/clock), not Date.now().',
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'Read time from the Clock port (src/clock), not new Date().',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/clock/**'], rules: wallClockBan },
  {
    files: ['**/*.js', '**/*.mjs'],
    ignores: ['src/web/**'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
  // The dashboard's and the report's browser scripts: served as written, run by the browser.
  {
    files: ['src/web/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', setTimeout: 'readonly' },
    },
  },
);
