// What the bot process did since it started, for /metrics: counters a scrape turns into rates
// (decisions per minute is `rate(sigil_decisions_total[5m]) * 60`). The store does not keep these.
export class ActivityCounters {
  private decided = 0;
  private errors = 0;

  recordDecisions(count: number): void {
    this.decided += count;
  }

  recordWorkerError(): void {
    this.errors++;
  }

  get decisions(): number {
    return this.decided;
  }

  get workerErrors(): number {
    return this.errors;
  }
}
