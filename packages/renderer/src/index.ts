/** @dhkit/renderer: the reference renderer for LiveKit media mode (docs/renderer-protocol.md), from code or as `dhkit-renderer`. */
export { startRenderer, type RendererOptions, type RendererStartSteps, type RunningRenderer } from './reference-renderer.js';
export { main } from './cli.js';
export { findSdkDir } from './sdk-dir.js';
