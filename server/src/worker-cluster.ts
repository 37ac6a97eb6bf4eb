/**
 * `dhkit serve --workers N`: N server processes behind one port, sharing the PostgreSQL store.
 *
 * Sticky by client address: a session lives in the process that admitted it, so its channel must reach
 * the same process. node:cluster's own balancing spreads connections without regard to who sends them,
 * so the primary accepts connections itself and hands each to the worker chosen by a hash of the client's
 * address (the socket travels over the IPC channel; the worker's HTTP server takes it as its own). Behind
 * a reverse proxy every connection comes from the proxy's address: there, run workers on ports of their
 * own and let the proxy route sticky (docs/scaling.md).
 *
 * The first worker starts alone, so migrations and a generated admin key happen once. A worker that exits
 * while the cluster is not stopping is replaced in its slot (a crash, or an operator's SIGTERM to one
 * worker for a rolling restart: it ends its sessions and hands their leases back before it goes).
 * SIGTERM/SIGINT to the primary stops every worker the same way.
 */
import cluster, { type Worker } from 'node:cluster';
import { createHash } from 'node:crypto';
import net from 'node:net';

/** The message that carries a client connection from the primary to a worker. */
export const CONNECTION_MESSAGE = 'dhkit:connection';
/** The message a worker sends once it takes connections. */
export const READY_MESSAGE = 'dhkit:ready';
/**
 * The message a worker sends when it begins to stop: the primary hands it nothing more. A connection that
 * crossed this message on the way comes back as CONNECTION_MESSAGE and goes to another worker.
 */
export const STOPPING_MESSAGE = 'dhkit:stopping';

/**
 * Connections that arrive while no worker takes any (all of them restarting at once: a rolling restart on a
 * slow machine) wait for the first one ready, this long and this many at most, instead of being reset.
 */
const PARK_MS = 30_000;
const MAX_PARKED = 1_000;

/**
 * Replacing a worker that keeps failing this soon after its start would only spin; the cluster stops instead. A worker
 * that exits cleanly (code 0: it was told to stop, an operator's SIGTERM for a rolling restart) is replaced however
 * young: stopping the whole cluster for it took every session down (seen when a test stopped a worker that had become
 * ready under two seconds earlier).
 */
const MIN_WORKER_LIFETIME_MS = 2000;

export async function runWorkerCluster(workers: number, port: number, host: string): Promise<number> {
  let stopping = false;
  const slots: Array<Worker | null> = Array.from({ length: workers }, () => null);
  const startedAt = new Map<number, number>();
  const parking = new ConnectionParking(slots, () => stopping);
  const fork = (slot: number): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ DHKIT_WORKER: '1' });
      startedAt.set(worker.id, Date.now());
      // A failed hand-off is reported here; without a listener it would be thrown and end the primary (and with
      // it every worker: the cause of "the primary sometimes has no worker").
      worker.on('error', (error) => console.error(`dhkit: worker ${worker.process.pid}: ${error.message}`));
      // Not 'listening': the worker takes connections only once its handler for them is in place.
      worker.on('message', (message, handle) => {
        if (message === READY_MESSAGE) {
          slots[slot] = worker;
          resolve(worker);
          parking.release();
        } else if (message === STOPPING_MESSAGE) {
          if (slots[slot] === worker) slots[slot] = null;
        } else if (message === CONNECTION_MESSAGE && handle instanceof net.Socket) {
          handOff(slots, handle, new Set([worker]), parking.park);
        }
      });
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before listening`)));
      worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
    });

  const onExit = (slot: number, worker: Worker, code: number, signal: string | null) => {
    if (slots[slot] === worker) slots[slot] = null;
    if (stopping) return;
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    if (code !== 0 && lived < MIN_WORKER_LIFETIME_MS) {
      console.error(`dhkit: worker ${worker.process.pid} exited (${signal ?? code}) right after starting; stopping the cluster.`);
      stopping = true;
      void stopAll().then(() => process.exit(1));
      return;
    }
    console.log(`dhkit: worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement.`);
    fork(slot).catch((error) => {
      // A replacement still starting when the cluster stops is stopped with the rest: not a failure.
      if (!stopping) console.error(`dhkit: replacement worker failed: ${(error as Error).message}`);
    });
  };

  try {
    await fork(0);
    await Promise.all(slots.slice(1).map((_, i) => fork(i + 1)));
  } catch (error) {
    console.error(`dhkit: ${(error as Error).message}; stopping the cluster.`);
    stopping = true;
    await stopAll();
    return 1;
  }

  const balancer = net.createServer({ pauseOnConnect: true }, (socket) => handOff(slots, socket, new Set(), parking.park));
  await new Promise<void>((resolve, reject) => {
    balancer.once('error', reject);
    balancer.listen(port, host, () => resolve());
  });
  const actualPort = (balancer.address() as net.AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  console.log(`dhkit: ${workers} workers serving; cluster listening on http://${urlHost}:${actualPort} (primary pid ${process.pid})`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`dhkit: ${signal} received, stopping ${workers} workers.`);
      stopping = true;
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      balancer.close();
      parking.closeAll();
      void stopAll().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

/** Connections no worker can take now (every worker restarting): each goes to the next worker that becomes ready. */
class ConnectionParking {
  /** Each waiting connection with what forgets it (its timer and close listener). */
  private readonly parked = new Map<net.Socket, () => void>();

  constructor(
    private readonly slots: ReadonlyArray<Worker | null>,
    private readonly stopping: () => boolean,
  ) {}

  readonly park = (socket: net.Socket): void => {
    if (this.stopping() || this.parked.size >= MAX_PARKED) return void socket.destroy();
    const timer = setTimeout(() => (this.parked.delete(socket), socket.destroy()), PARK_MS);
    const forget = () => (clearTimeout(timer), this.parked.delete(socket));
    socket.once('close', forget);
    this.parked.set(socket, forget);
  };

  /** A worker became ready: the waiting connections are handed off again (one that finds none waits anew). */
  release(): void {
    const waiting = [...this.parked];
    this.parked.clear();
    for (const [socket, forget] of waiting) {
      socket.off('close', forget);
      forget();
      if (!socket.destroyed) handOff(this.slots, socket, new Set(), this.park);
    }
  }

  closeAll(): void {
    for (const socket of this.parked.keys()) socket.destroy();
    this.parked.clear();
  }
}

/**
 * Gives the connection to the worker of its client address's slot. A worker that cannot take it (its channel
 * closed between the check and the send, or it handed the connection back while stopping) is skipped, and the
 * next live one gets it; with none ready (every worker restarting) it is parked until one is.
 */
function handOff(slots: ReadonlyArray<Worker | null>, socket: net.Socket, tried: Set<Worker>, park: (socket: net.Socket) => void): void {
  const worker = workerFor(slots, socket.remoteAddress ?? '', tried);
  if (!worker) return park(socket);
  worker.send(CONNECTION_MESSAGE, socket, (error) => {
    if (!error) return;
    tried.add(worker);
    handOff(slots, socket, tried, park);
  });
}

/** The worker in the client address's slot; while that slot's worker is being replaced, the next live one. */
function workerFor(slots: ReadonlyArray<Worker | null>, address: string, skip: ReadonlySet<Worker>): Worker | null {
  const start = createHash('sha1').update(address).digest().readUInt32BE(0) % slots.length;
  for (let i = 0; i < slots.length; i++) {
    const worker = slots[(start + i) % slots.length];
    // A worker that disconnected is closing (it disconnects once its server has closed) and takes nothing new.
    if (worker && !skip.has(worker) && !worker.isDead() && worker.isConnected()) return worker;
  }
  return null;
}

/** SIGTERM to every worker (each closes its sessions and hands the leases back), resolved when all have exited. */
function stopAll(): Promise<void> {
  const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  return Promise.all(
    alive.map(
      (worker) =>
        new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    ),
  ).then(() => undefined);
}
