// eslint.config.js - the page's lint rules (run by `make check` through
// tests/run.sh): ESLint's recommended rules for browser ES modules, unused
// variables as errors, and lines of at most 120 characters (URLs excepted).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['dist/', 'src/gen/'] },
  js.configs.recommended,
  {
    files: ['src/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: globals.browser,
    },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
      'max-len': ['error', { code: 120, ignoreUrls: true }],
    },
  },
  {
    files: ['eslint.config.js', 'build.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
];
