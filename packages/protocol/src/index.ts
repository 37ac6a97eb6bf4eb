export * from './errors.js';
export * from './channel.js';
export * from './robot.js';
export * from './config.js';
export * from './renderer.js';
