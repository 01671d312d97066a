import { defineConfig } from 'vite'

// A static page: relative asset URLs so the build can be served from any path.
export default defineConfig({
  base: './',
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
})
