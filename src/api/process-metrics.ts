// What the bot process did since it started and how the process itself is doing, for /metrics.
// The counters are what a scrape turns into rates (decisions per minute is
// `rate(sigil_decisions_total[5m]) * 60`); the store does not keep them. The process's own health —
// CPU, memory, event-loop lag, open handles — comes from prom-client's default collectors, so a bot
// that is alive but stuck (a blocked event loop) shows on the same scrape as its silent heartbeat.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export class ProcessMetrics {
  readonly registry = new Registry();
  private readonly decided = new Counter({
    name: 'sigil_decisions_total',
    help: 'Intents decided by this process since it started; decisions per minute = rate(...[5m]) * 60.',
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'sigil_worker_errors_total',
    help: "This process's jobs and workers that failed with an error since it started.",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  recordDecisions(count: number): void {
    this.decided.inc(count);
  }

  recordWorkerError(): void {
    this.errors.inc();
  }
}
