// Driving the bot's live loop on a simulated clock: move time in steps, letting the loop wake, work and
// go back to sleep at each; and wait for a condition the loop brings about.
import assert from 'node:assert/strict';
import type { SimClock } from '../../src/clock/sim-clock.ts';

/** Waits until the scheduler's live loop is asleep on the simulated clock again. */
export async function settle(clock: SimClock): Promise<void> {
  for (let i = 0; i < 4_000; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (clock.pendingTimers() > 0) return;
  }
  assert.fail('the live loop never went back to sleep');
}

/** Moves the clock in small steps, letting the live loop wake, work and sleep at each. */
export async function advanceLive(clock: SimClock, target: number, stepMs = 10_000): Promise<void> {
  while (clock.now() < target) {
    await settle(clock);
    clock.advanceTo(Math.min(target, clock.now() + stepMs));
  }
  await settle(clock);
}

export async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}
