export * from './errors.js';
export * from './channel.js';
export * from './audio-frames.js';
export * from './sessions.js';
export * from './robot.js';
export * from './admin.js';
export * from './config.js';
export * from './renderer.js';
