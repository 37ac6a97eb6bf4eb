/** The brain for a robot's brain config. Cheap: HTTP brains hold no connection between questions. */
import type { BrainConfig, Robot } from '@dhkit/protocol';
import type { Brain } from './brain.js';
import { GroundedKnowledgeBrain, type GroundingFallback } from './grounded-knowledge-brain.js';
import type { KnowledgeBrain } from './knowledge-brain.js';
import { OpenAiBrain } from './openai-brain.js';
import { WebhookBrain } from './webhook-brain.js';

export class BrainFactory {
  /** One brain per config object: a robot keeps its brain until its settings change (a new object). */
  private readonly cache = new WeakMap<BrainConfig, Brain>();

  /**
   * @param knowledge the process's knowledge brain (one index cache for all robots); an LLM brain retrieves context from it.
   * @param onGroundingFallback told when a knowledge robot's LLM was slow or failed and the plain answer was given.
   */
  constructor(
    private readonly knowledge: KnowledgeBrain,
    private readonly onGroundingFallback?: (fallback: GroundingFallback) => void,
  ) {}

  forRobot(robot: Pick<Robot, 'brain'>): Brain {
    const config = robot.brain;
    if (config.type === 'knowledge' && !config.llm) return this.knowledge;
    let brain = this.cache.get(config);
    if (!brain) {
      brain = this.create(config);
      this.cache.set(config, brain);
    }
    return brain;
  }

  private create(config: BrainConfig): Brain {
    if (config.type === 'knowledge') return new GroundedKnowledgeBrain(config.llm!, this.knowledge, this.onGroundingFallback);
    if (config.type === 'openai') return new OpenAiBrain(config, { knowledge: this.knowledge });
    return new WebhookBrain(config);
  }
}
