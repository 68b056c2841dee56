// ESLint over src/, test/ and migrations/: ESLint's and typescript-eslint's recommended sets (typed) minus matters of
// taste, plus typed rules that catch real bugs. Formatting is Prettier's job (.prettierrc.json), not ESLint's.
// The packages live in tools/lint/ (installed apart by the postinstall: typescript-eslint needs TypeScript 5's API).
import { defineConfig, globals, js, tseslint } from './tools/lint/index.js'

export default defineConfig(
  { ignores: ['data/', 'coverage/', '.tap/', 'dist/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Bugs: a promise nobody awaits loses its rejection; tap's t.test() is the one safe exception (tap awaits its subtests).
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }],
        },
      ],
      // A value returned from inside try without await escapes the catch and the finally.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A new member of a union (an error code, an event type) must not fall through a switch silently.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', name: 'URLSearchParams', package: 'url' },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Taste, not bugs: async functions without await (Fastify handlers), `any` spelled out (migrations take Kysely<any>), `{}` as a default.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    // The JavaScript files are tools and configuration run by Node: no type information, Node's globals.
    files: ['**/*.{js,cjs,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // Tests read JSON answers as `any` on purpose and assert on them; the no-unsafe-* rules guard the product code.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
)
