import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SleepController, type WakeupType } from './sleep-controller.js';

describe('SleepController', () => {
  let log: string[];
  let enabled: boolean;
  let controller: SleepController;
  beforeEach(() => {
    vi.useFakeTimers();
    log = [];
    enabled = true;
    controller = new SleepController({
      enabled: () => enabled,
      idleSeconds: () => 120,
      enterSleep: () => log.push('sleep'),
      enterActive: (type: WakeupType | undefined) => log.push(`active:${type}`),
    });
  });
  afterEach(() => vi.useRealTimers());

  it('sleeps after the idle time; activity restarts the countdown', () => {
    controller.activity();
    vi.advanceTimersByTime(119_000);
    controller.activity();
    vi.advanceTimersByTime(119_000);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(log).toEqual(['sleep']);
    expect(controller.asleep).toBe(true);
  });

  it('wakes once per sleep, with the sensor type, and counts down again', () => {
    controller.sleep();
    expect(controller.sleep()).toBe(false);
    expect(controller.wakeup('RADAR')).toBe(true);
    expect(controller.wakeup('CAMERA')).toBe(false);
    expect(log).toEqual(['sleep', 'active:RADAR']);
    vi.advanceTimersByTime(120_000);
    expect(log).toEqual(['sleep', 'active:RADAR', 'sleep']);
  });

  it('never sleeps on its own when enableLocalWakeup is off', () => {
    enabled = false;
    controller.activity();
    vi.advanceTimersByTime(600_000);
    expect(log).toEqual([]);
  });
});
