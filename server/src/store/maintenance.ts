/**
 * Background work on the store, started by the composition root: dropping cached knowledge indexes when a
 * robot's knowledge changed in another process (the CLI, another server on PostgreSQL), and pruning the
 * question log after its retention period.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from './store.js';

export const DEFAULT_ANALYTICS_DAYS = 90;
const DAY_MS = 24 * 3600_000;

export interface StoreMaintenanceOptions {
  store: Store;
  /** Called with a robot whose knowledge changed since the last look. */
  onKnowledgeChanged(robotId: string): void;
  /** Questions older than this many days are deleted; 0 keeps none (nothing is recorded then). */
  analyticsDays: number;
  log: FastifyBaseLogger;
  /** How often the knowledge revisions are compared. Default 2 s. */
  revisionPollMs?: number;
  /** How often old questions are pruned. Default 1 h (and once at start). */
  pruneEveryMs?: number;
}

export function startStoreMaintenance(options: StoreMaintenanceOptions): { stop(): void } {
  const { store, log } = options;
  let known: Map<string, string> | null = null;
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      const revisions = await store.knowledgeRevisions();
      if (known) {
        for (const [robotId, revision] of revisions) {
          if (known.get(robotId) !== revision) options.onKnowledgeChanged(robotId);
        }
      }
      known = revisions;
    } catch (error) {
      log.warn({ err: error }, 'could not read knowledge revisions');
    } finally {
      polling = false;
    }
  };
  const prune = async () => {
    if (options.analyticsDays <= 0) return;
    try {
      const pruned = await store.pruneQuestions(Date.now() - options.analyticsDays * DAY_MS);
      if (pruned > 0) log.info({ pruned, days: options.analyticsDays }, 'pruned old questions from the analytics log');
    } catch (error) {
      log.warn({ err: error }, 'could not prune the analytics log');
    }
  };
  void poll();
  void prune();
  const poller = setInterval(() => void poll(), options.revisionPollMs ?? 2000);
  const pruner = setInterval(() => void prune(), options.pruneEveryMs ?? 3600_000);
  poller.unref();
  pruner.unref();
  return {
    stop() {
      clearInterval(poller);
      clearInterval(pruner);
    },
  };
}
