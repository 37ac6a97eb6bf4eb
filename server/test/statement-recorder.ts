/** Records the text of every statement any pg client sends, for tests that count round trips. */
import pg from 'pg';

export function recordStatements(): { sent: string[]; stop(): void } {
  const sent: string[] = [];
  const originalQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0];
    sent.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return { sent, stop: () => void (pg.Client.prototype.query = originalQuery) };
}
