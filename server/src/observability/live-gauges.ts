/**
 * The gauges that describe the present, read when /metrics is scraped: this process's live sessions (in all and per
 * robot) and the leases held per robot as the store counts them, so every process of a PostgreSQL cluster reports
 * the same cluster-wide figure.
 */
import { Gauge, type Registry } from 'prom-client';

export interface LiveSessionView {
  robotId: string;
}

/** `onStoreError` is told when the store could not count the leases (the gauge is then absent for that scrape). */
export function registerLiveGauges(
  registry: Registry,
  liveSessions: () => readonly LiveSessionView[],
  leasesByRobot: () => Promise<ReadonlyMap<string, number>>,
  onStoreError: () => void,
): void {
  const registers = [registry];
  new Gauge({
    name: 'dhkit_sessions_live',
    help: 'Live sessions served by this process.',
    registers,
    collect() {
      this.set(liveSessions().length);
    },
  });
  new Gauge({
    name: 'dhkit_sessions_served',
    help: 'Live sessions served by this process, per robot.',
    labelNames: ['robot'],
    registers,
    collect() {
      this.reset();
      const perRobot = new Map<string, number>();
      for (const session of liveSessions()) perRobot.set(session.robotId, (perRobot.get(session.robotId) ?? 0) + 1);
      for (const [robot, n] of perRobot) this.set({ robot }, n);
    },
  });
  new Gauge({
    name: 'dhkit_leases_in_use',
    help: 'Concurrency leases held per robot, counted in the store: every process sharing it, not only this one.',
    labelNames: ['robot'],
    registers,
    async collect() {
      this.reset();
      try {
        for (const [robot, n] of await leasesByRobot()) this.set({ robot }, n);
      } catch {
        // A store outage leaves the gauge empty for this scrape (an absent series, not a false zero).
        onStoreError();
      }
    },
  });
}
