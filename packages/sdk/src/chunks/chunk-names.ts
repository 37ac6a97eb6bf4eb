/** The SDK's lazy chunks and what each one exports. */
export type ChunkModules = {
  /** marked + DOMPurify + dhkit's hooks: the answer renderer (built-in captions, `renderAnswer()`). */
  'rich-media': typeof import('../rich-media/chunk.js');
  /** Microphone capture, onnxruntime-web, Silero VAD and the wake-word pipeline. */
  voice: typeof import('../voice/engine.js');
  /** livekit-client and the streamed avatar surface (robots in media mode `livekit`). */
  livekit: typeof import('../avatar/livekit-surface.js');
};

export type ChunkName = keyof ChunkModules;
