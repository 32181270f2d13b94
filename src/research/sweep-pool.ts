// The sweep's workers: N threads, each handed the next setting as soon as it answers the last, so a slow
// setting never holds the others up. Results are keyed by the setting's index, never by arrival order:
// the report is the same whatever the worker count. A worker that dies (out of memory, a native crash)
// fails only the setting it held; a fresh worker takes its place.
import { Worker } from 'node:worker_threads';
import type { SettingJob, SettingOutcome, WorkerInit } from './sweep-worker.ts';

export interface PoolOptions {
  init: WorkerInit;
  /** The configurations to run, each with the index it is reported under. */
  jobs: readonly SettingJob[];
  workers: number;
  onOutcome: (outcome: SettingOutcome) => void;
  /** Ctrl-C: the workers are stopped at once; the settings they held are not reported. */
  signal?: AbortSignal;
}

const WORKER_FILE = new URL(
  `./sweep-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

/**
 * A worker on the worker file. From the compiled dist/ it is loaded directly. When the sources run
 * through tsx (tests, the bench's TypeScript side), Node 20 does not carry this thread's loader hooks
 * into a worker, so the worker registers tsx's own before it imports the TypeScript file.
 */
function newWorker(workerData: WorkerInit): Worker {
  if (WORKER_FILE.pathname.endsWith('.js')) return new Worker(WORKER_FILE, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_FILE.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** Runs every job; resolves when all have answered or the signal stopped the pool. */
export function runPool({ init, jobs, workers, onOutcome, signal }: PoolOptions): Promise<void> {
  const queue = [...jobs];
  const live = new Set<Worker>();
  let answered = 0;
  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', finish);
      for (const worker of live) void worker.terminate();
      live.clear();
      resolve();
    };
    if (jobs.length === 0 || signal?.aborted) return finish();
    signal?.addEventListener('abort', finish);

    const report = (outcome: SettingOutcome) => {
      if (finished) return;
      onOutcome(outcome);
      answered++;
      if (answered === jobs.length) finish();
    };
    const start = () => {
      const worker = newWorker(init);
      live.add(worker);
      let held: SettingJob | null = null;
      const next = () => {
        held = queue.shift() ?? null;
        if (held === null) {
          void worker.terminate();
        } else {
          worker.postMessage(held satisfies SettingJob);
        }
      };
      worker.on('message', (outcome: SettingOutcome) => {
        report(outcome);
        if (!finished) next();
      });
      let failure = 'it exited';
      worker.on('error', (error) => {
        failure = error.message;
      });
      // 'exit' follows 'error', and also ends a worker that stopped without one (process.exit in a setting).
      worker.on('exit', () => {
        live.delete(worker);
        if (finished || held === null) return;
        report({ index: held.index, ok: false, error: `its worker failed: ${failure}`, seconds: 0 });
        held = null;
        if (!finished && queue.length > 0) start();
      });
      next();
    };
    for (let i = 0; i < Math.min(workers, jobs.length); i++) start();
  });
}
