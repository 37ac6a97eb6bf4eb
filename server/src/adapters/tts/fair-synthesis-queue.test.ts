import { describe, expect, it } from 'vitest';
import { FairSynthesisQueue, type SynthesisTicket } from './fair-synthesis-queue.js';

/** Submits runs and records the order in which they are started, with their grants. */
function recorder(queue: FairSynthesisQueue) {
  const started: string[] = [];
  const urgent: string[] = [];
  const tickets = new Map<string, SynthesisTicket>();
  const submit = (owner: string, name: string) =>
    tickets.set(
      name,
      queue.submit(owner, (grant) => {
        started.push(name);
        if (grant.urgent) urgent.push(name);
      }),
    );
  return { started, urgent, tickets, submit };
}

describe('FairSynthesisQueue', () => {
  it('runs at most one clause of a session at a time, in the order the session asked', () => {
    const queue = new FairSynthesisQueue(4);
    const { started, tickets, submit } = recorder(queue);
    for (let i = 0; i < 5; i++) submit('attacker', `a${i}`);
    expect(started).toEqual(['a0']);
    expect(queue.runningOwners).toEqual(['attacker']);
    expect(queue.waitingCount).toBe(4);
    tickets.get('a0')!.finished();
    expect(started).toEqual(['a0', 'a1']);
    tickets.get('a1')!.finished();
    tickets.get('a2')!.finished();
    expect(started).toEqual(['a0', 'a1', 'a2', 'a3']);
  });

  it("never holds another session's clause behind a session's queue (head-of-line)", () => {
    const queue = new FairSynthesisQueue(2);
    const { started, submit } = recorder(queue);
    for (let i = 0; i < 20; i++) submit('attacker', `a${i}`);
    submit('visitor', 'v0');
    expect(started).toEqual(['a0', 'v0']);
    expect([...queue.runningOwners].sort()).toEqual(['attacker', 'visitor']);
  });

  it('takes sessions in turn when the cores are all busy, the first clause of an idle session first', () => {
    const queue = new FairSynthesisQueue(1);
    const { started, urgent, tickets, submit } = recorder(queue);
    submit('a', 'a0');
    submit('a', 'a1');
    submit('a', 'a2');
    submit('b', 'b0');
    submit('b', 'b1');
    submit('c', 'c0');
    const finish = (name: string) => tickets.get(name)!.finished();
    finish('a0'); // b0 and c0 are first clauses of idle sessions: they go before a1
    finish('b0');
    finish('c0'); // then the round: a (waiting longest), b
    finish('a1');
    finish('b1');
    expect(started).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2']);
    expect(urgent).toEqual(['a0', 'b0', 'c0']);
    expect(queue.waitingCount).toBe(0);
  });

  it('never runs more than maxRunning in all', () => {
    const queue = new FairSynthesisQueue(2);
    const { started, tickets, submit } = recorder(queue);
    for (const owner of ['a', 'b', 'c', 'd']) submit(owner, owner);
    expect(started).toEqual(['a', 'b']);
    tickets.get('b')!.finished();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(queue.runningOwners.length).toBe(2);
  });

  it('drops a cancelled run that waits, and frees the slot of a cancelled running one at once', () => {
    const queue = new FairSynthesisQueue(1);
    const { started, tickets, submit } = recorder(queue);
    submit('a', 'a0');
    submit('a', 'a1');
    submit('a', 'a2');
    tickets.get('a1')!.cancel();
    tickets.get('a0')!.cancel();
    tickets.get('a0')!.finished(); // its process closing later changes nothing
    expect(started).toEqual(['a0', 'a2']);
    expect(queue.waitingCount).toBe(0);
  });

  it('marks as urgent only a run that finds its session idle', () => {
    const queue = new FairSynthesisQueue(4);
    const { urgent, tickets, submit } = recorder(queue);
    submit('a', 'turn1-clause0');
    submit('a', 'turn1-clause1');
    tickets.get('turn1-clause0')!.cancel(); // a new question interrupts the turn
    tickets.get('turn1-clause1')!.cancel();
    submit('a', 'turn2-clause0');
    submit('a', 'turn2-clause1');
    expect(urgent).toEqual(['turn1-clause0', 'turn2-clause0']);
  });
});
