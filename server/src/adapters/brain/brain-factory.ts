/** The brain for a robot's brain config. Cheap: HTTP brains hold no connection between questions. */
import type { BrainConfig } from '@dhkit/protocol';
import type { Brain } from './brain.js';
import { KnowledgeBrain } from './knowledge-brain.js';
import { OpenAiBrain } from './openai-brain.js';
import { WebhookBrain } from './webhook-brain.js';

export interface BrainDependencies {
  /** The process's knowledge brain (one index cache for all robots); an LLM brain retrieves context from it. */
  knowledge: Brain;
  /** Overrides for tests: the longest an answer may stream. */
  maxDurationMs?: number;
}

const cache = new WeakMap<BrainConfig, Brain>();

export function createBrain(config: BrainConfig, deps: BrainDependencies): Brain {
  if (config.type === 'knowledge') return deps.knowledge;
  let brain = cache.get(config);
  if (!brain) {
    brain =
      config.type === 'openai'
        ? new OpenAiBrain(config, {
            knowledge: deps.knowledge instanceof KnowledgeBrain ? deps.knowledge : undefined,
            maxDurationMs: deps.maxDurationMs,
          })
        : new WebhookBrain(config, { maxDurationMs: deps.maxDurationMs });
    cache.set(config, brain);
  }
  return brain;
}
