// The lint packages for the root eslint.config.js, resolved here beside the TypeScript 5 that typescript-eslint loads.
export { defineConfig } from 'eslint/config'
export { default as globals } from 'globals'
export { default as js } from '@eslint/js'
export { default as tseslint } from 'typescript-eslint'
