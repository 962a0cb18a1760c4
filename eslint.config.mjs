// Type-aware lint for the whole package. The complexity cap keeps rules readable.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'run/**',
      'coverage/**',
      '*.config.js',
      '*.config.mjs',
      '.dependency-cruiser.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      complexity: ['error', 15],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Determinism (DESIGN §4): every endorsing peer must compute the same bytes. Time comes from
    // the transaction, randomness from the transaction id; no timers, environment or I/O.
    files: ['src/**/*.ts', 'chaincode/**/*.ts'],
    ignores: ['chaincode/main.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'no clock here: use the transaction timestamp',
        },
        {
          selector: "CallExpression[callee.name='Date']",
          message: 'no clock here: use the transaction timestamp',
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'no clock here: use the transaction timestamp',
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'no randomness here: derive it from the transaction id',
        },
        { selector: "MemberExpression[object.name='performance']", message: 'no clock here' },
        {
          selector: "MemberExpression[object.name='process']",
          message: 'no environment or process state here',
        },
        {
          selector: 'Identifier[name=/^(setTimeout|setInterval|setImmediate|queueMicrotask)$/]',
          message: 'no timers here',
        },
        {
          selector: 'MemberExpression[property.name=/^(randomBytes|randomUUID|randomInt|getRandomValues)$/]',
          message: 'no randomness here',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fs',
                'node:fs',
                'fs/*',
                'node:fs/*',
                'net',
                'node:net',
                'http',
                'node:http',
                'https',
                'node:https',
                'child_process',
                'node:child_process',
                'os',
                'node:os',
              ],
              message: 'no I/O in src/ or chaincode/',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
