import { defineConfig } from 'vite';

// No inline scripts or styles in the output (the backend serves it under `script-src 'self'; style-src 'self'`).
export default defineConfig({
  // The LiveKit chunk (livekit-client) is ~540 KB; it loads only for robots in LiveKit media mode.
  build: { target: 'es2022', assetsInlineLimit: 0, modulePreload: { polyfill: false }, chunkSizeWarningLimit: 600 },
  oxc: { jsx: { runtime: 'automatic' } },
});
