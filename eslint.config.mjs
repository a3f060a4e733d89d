import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'migrations/[0-9]*.ts'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // TypeScript checks names itself (ESLint's no-undef does not know Node's CommonJS globals).
      'no-undef': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // process.env is read in one place: libs/core/src/config (STYLE.md 10).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through ConfigService.' },
      ],
      // A lib is imported only through its index.ts (STYLE.md 1).
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@guildhall/*/*'], message: 'Import a lib only through its index (@guildhall/x).' }] },
      ],
    },
  },
  {
    files: [
      'libs/core/src/runtime.ts',
      'libs/core/src/config/**',
      'apps/cli/src/cli-context.ts',
      'test/**',
      '**/*.spec.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
