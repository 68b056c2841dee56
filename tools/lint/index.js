// The lint packages for the root eslint.config.js, resolved here beside the TypeScript 5 that typescript-eslint loads.
export { default as js } from '@eslint/js'
export { default as tseslint } from 'typescript-eslint'
