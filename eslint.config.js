// Lint over the TypeScript sources (the compiled dist/ is what runs; it is not linted).
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'infra/kafka/lib/**', 'infra/kafka/run/**', '.data/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' },
    },
  },
  { files: ['services/dispatch/console/**/*.js'], languageOptions: { globals: globals.browser } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Test code names response bodies loosely on purpose; production code may not.
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  { files: ['**/*.test.ts', '**/integration/harness.ts', 'tests/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  prettier,
);
