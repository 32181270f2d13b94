import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockWentBackError, SimClock } from './sim-clock.ts';

describe('SimClock', () => {
  it('fires due timers in (time, name) order with now() at each timer time', () => {
    const clock = new SimClock(1_000);
    const fired: string[] = [];
    clock.setTimer('b', 2_000, () => fired.push(`b@${clock.now()}`));
    clock.setTimer('a', 2_000, () => fired.push(`a@${clock.now()}`));
    clock.setTimer('z', 1_500, () => fired.push(`z@${clock.now()}`));
    clock.setTimer('late', 9_000, () => fired.push('late'));
    clock.advanceTo(5_000);
    assert.deepEqual(fired, ['z@1500', 'a@2000', 'b@2000']);
    assert.equal(clock.now(), 5_000);
    assert.equal(clock.pendingTimers(), 1);
  });

  it('fires timers scheduled by a firing timer when they are due', () => {
    const clock = new SimClock(0);
    const fired: number[] = [];
    clock.setTimer('tick', 10, () => {
      fired.push(clock.now());
      clock.setTimer('tick', clock.now() + 10, () => fired.push(clock.now()));
    });
    clock.advanceTo(25);
    assert.deepEqual(fired, [10, 20]);
  });

  it('refuses to go back', () => {
    const clock = new SimClock(100);
    assert.throws(() => clock.advanceTo(99), ClockWentBackError);
    assert.equal(clock.now(), 100);
  });

  it('does not fire cancelled timers', () => {
    const clock = new SimClock(0);
    let fired = false;
    clock.setTimer('x', 5, () => (fired = true)).cancel();
    clock.advanceTo(10);
    assert.equal(fired, false);
  });

  it('resolves sleep when time reaches it, and rejects on abort', async () => {
    const clock = new SimClock(0);
    let woke = false;
    const sleeping = clock.sleep(50).then(() => (woke = true));
    clock.advanceTo(49);
    await Promise.resolve();
    assert.equal(woke, false);
    clock.advanceTo(50);
    await sleeping;
    assert.equal(woke, true);

    const controller = new AbortController();
    const aborted = clock.sleep(100, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    assert.equal(clock.pendingTimers(), 0);
  });
});
