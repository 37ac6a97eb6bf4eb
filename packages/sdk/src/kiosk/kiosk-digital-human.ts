import { packManifestUrl } from '../avatar/avatar-pack.js';
import type { CreateOptions } from '../core/create.js';
import { DigitalHuman } from '../core/digital-human.js';
import { checkCreateOptions } from '../core/options.js';
import { elementView } from '../ui/create.js';

/**
 * The kiosk's digital human: a `<digital-human>` like create()'s, except that when her first session fails (all
 * assistants busy, server down) she stays, her avatar on screen and the session ENDED, rather than being torn
 * down. The kiosk shows its busy or offline card over her (never an empty frame) and tries again with
 * `startNewSession()`. Kept out of the headless core, which has no bytes to spare for it.
 */
export class KioskDigitalHuman extends DigitalHuman {
  /** Until the first open has settled (and unless destroy() came first), a failure keeps her. */
  private keepOnFailure = true;

  /** Makes her in `container` and opens her first session. The browser was checked by createKiosk(). */
  static startIn(options: CreateOptions & { container: HTMLElement }): { human: KioskDigitalHuman; ready: Promise<unknown> } {
    const checked = checkCreateOptions(options);
    // The kiosk starts the next session by itself; the element's own "start again" would compete with it.
    const human = new KioskDigitalHuman({ ...checked, container: options.container, makeView: elementView(false) });
    return { human, ready: human.open() };
  }

  protected override async open(): Promise<this> {
    try {
      return await super.open();
    } finally {
      this.keepOnFailure = false;
    }
  }

  protected override shutdown(): Promise<void> {
    this.keepOnFailure = false;
    return super.shutdown();
  }

  /** A failed first open lands here: she stays (the default pack's avatar until a robot is known). */
  protected override async teardown(): Promise<void> {
    if (!this.keepOnFailure) return super.teardown();
    await this.connection.close();
    this.endSession(0, '', 'CLOSED');
    void this.surface?.load({ kind: 'pack', url: packManifestUrl(this.options.address.httpBase) });
  }
}
