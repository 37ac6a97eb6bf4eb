/**
 * Tells a retry of a real once-code from a guess. A page that retries its admission (a double click, a
 * network retry, a 50-way race of one code) sends a code that was valid and is now spent; counting those as
 * failures locked the visitor out. A failure is a retry when the same code is being admitted by another request
 * right now, or was admitted by this process within `rememberMs`. Only hashes are kept, bounded in number.
 */
export class OnceCodeRetries {
  private readonly inFlight = new Map<string, number>();
  /** Code hash → until when it counts as recently spent. */
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly rememberMs = 60 * 60_000,
    private readonly maxRemembered = 100_000,
  ) {}

  /** An admission with this code starts; call finish() when it has its answer. */
  start(codeHash: string): void {
    this.inFlight.set(codeHash, (this.inFlight.get(codeHash) ?? 0) + 1);
  }

  /** Whether a failed admission with this code (still in flight) is a retry of a real code. */
  isRetry(codeHash: string, now = Date.now()): boolean {
    if ((this.inFlight.get(codeHash) ?? 0) > 1) return true;
    const until = this.spent.get(codeHash);
    return until !== undefined && until > now;
  }

  finish(codeHash: string, spent: boolean, now = Date.now()): void {
    const left = (this.inFlight.get(codeHash) ?? 1) - 1;
    if (left > 0) this.inFlight.set(codeHash, left);
    else this.inFlight.delete(codeHash);
    if (!spent) return;
    if (this.spent.size >= this.maxRemembered) this.spent.delete(this.spent.keys().next().value!);
    this.spent.set(codeHash, now + this.rememberMs);
  }
}
