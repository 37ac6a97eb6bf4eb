/**
 * Who may start an espeak-ng run next. One visitor's speech must not take the machine from the others (a flood
 * of questions, a 2,000-character driven text, a client that never reads), so runs are scheduled per session:
 *
 * - each session (owner) has its own queue and at most one run in flight: a session's clauses are spoken one
 *   after the other anyway, so running them side by side only took cores from everyone else;
 * - owners take turns (round-robin): a session that queued many clauses never holds another's first clause
 *   behind them (the single queue of before was head-of-line blocking);
 * - at most `maxRunning` runs in flight in the whole process (the cores), so synthesis never oversubscribes them;
 * - a run that reaches an idle owner (the first clause of a turn: what the visitor waits for) is `urgent`: it goes
 *   before the others, may take the warm spare process and runs at normal priority. Later runs of a busy owner
 *   have a clause of audio playing ahead of them: they start their own process, at a lower OS priority.
 *
 * Pure bookkeeping (no processes, no timers): the launcher starts what `start` is called for.
 */

/** How a run may use the machine. */
export interface SynthesisGrant {
  /** The first run of an idle owner: may take the warm spare and runs at normal priority. */
  urgent: boolean;
}

export interface SynthesisTicket {
  /** The run ended (its process closed) or could not start: the owner's next run may go. */
  finished(): void;
  /** The run is not wanted any more: it is dropped while it waits, or counted as ended at once when it runs. */
  cancel(): void;
}

interface Job {
  owner: string;
  urgent: boolean;
  start(grant: SynthesisGrant): void;
  state: 'waiting' | 'running' | 'done';
}

export class FairSynthesisQueue {
  /** Waiting runs per owner; the map's order is the round-robin order (an owner served moves to the back). */
  private readonly waiting = new Map<string, Job[]>();
  /** The one running job of each owner that has one. */
  private readonly running = new Map<string, Job>();

  constructor(private readonly maxRunning: number) {}

  /** Runs in flight now, per owner (tests, metrics). */
  get runningOwners(): readonly string[] {
    return [...this.running.keys()];
  }

  /** Runs waiting now, in all. */
  get waitingCount(): number {
    let count = 0;
    for (const queue of this.waiting.values()) count += queue.length;
    return count;
  }

  /** Queues a run of `owner`; `start` is called (maybe at once) when its turn comes. */
  submit(owner: string, start: (grant: SynthesisGrant) => void): SynthesisTicket {
    const idle = !this.running.has(owner) && !this.waiting.has(owner);
    const job: Job = { owner, urgent: idle, start, state: 'waiting' };
    const queue = this.waiting.get(owner);
    if (queue) queue.push(job);
    else this.waiting.set(owner, [job]);
    this.pump();
    return { finished: () => this.release(job), cancel: () => this.release(job) };
  }

  private release(job: Job): void {
    if (job.state === 'done') return;
    if (job.state === 'waiting') {
      const queue = this.waiting.get(job.owner);
      queue?.splice(queue.indexOf(job), 1);
      if (queue?.length === 0) this.waiting.delete(job.owner);
    } else if (this.running.get(job.owner) === job) {
      this.running.delete(job.owner);
    }
    job.state = 'done';
    this.pump();
  }

  private pump(): void {
    for (let next = this.next(); next && this.running.size < this.maxRunning; next = this.next()) {
      const queue = this.waiting.get(next.owner)!;
      queue.shift();
      // Served: the owner goes to the back of the round (if it still waits).
      this.waiting.delete(next.owner);
      if (queue.length > 0) this.waiting.set(next.owner, queue);
      next.state = 'running';
      this.running.set(next.owner, next);
      next.start({ urgent: next.urgent });
    }
  }

  /** The next run to start: an urgent one first, else the first owner in the round without a running run. */
  private next(): Job | undefined {
    let first: Job | undefined;
    for (const [owner, queue] of this.waiting) {
      if (this.running.has(owner)) continue;
      if (queue[0].urgent) return queue[0];
      first ??= queue[0];
    }
    return first;
  }
}
