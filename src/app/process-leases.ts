// What a `sigil run` process holds in the store while it runs: its presence (so others know it lives,
// and can hand back its analysts' claims once it is gone) and, if it executes, the ownership of its
// variants — one owner per variant, whatever the timing. The leases are renewed every third of their
// length; a process that cannot renew stops acting before they could lapse, so a standby that takes
// over never overlaps with it.
import { hostname } from 'node:os';
import { wallNow as systemWallNow } from '../clock/system-clock.ts';
import { randomBytes } from 'node:crypto';
import {
  leaseLive,
  processLeaseName,
  variantLeaseName,
  type LeaseClaim,
  type LeaseHolder,
  type LeaseRecord,
} from '../domain/lease.ts';
import type { Store } from '../domain/ports/store.ts';
import type { EngineRole } from '../domain/engine-role.ts';
import { FatalError } from '../domain/errors.ts';

export interface ProcessInfo {
  roles: readonly EngineRole[];
  variants: readonly string[];
  /** configVersion() of the config the process runs. */
  config: string;
}

export class OwnershipLostError extends FatalError {
  constructor(readonly why: string) {
    super('ownership_lost', `this process no longer owns its variants: ${why}; it stopped acting`);
    this.name = 'OwnershipLostError';
  }
}

export class ProcessLeases {
  readonly holder: LeaseHolder;
  readonly names: readonly string[];
  /** Wall time until which the leases are known to be ours, less a margin for clocks that differ. */
  private safeUntil = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lost: string | null = null;

  constructor(
    private readonly store: Store,
    readonly info: ProcessInfo,
    private readonly ttlMs: number,
    private readonly wallNow: () => number = systemWallNow,
  ) {
    const holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.holder = { holder, host: hostname(), pid: process.pid, info: JSON.stringify(info) };
    const owns = info.roles.includes('execution') ? info.variants.map(variantLeaseName) : [];
    this.names = [processLeaseName(holder), ...owns];
  }

  /** `replacing`: holders known to be dead, whose live leases may be taken at once. */
  async acquire(replacing: readonly string[] = []): Promise<LeaseClaim> {
    const now = this.wallNow();
    const claim = await this.store.acquireLeases(this.names, this.holder, now, this.ttlMs, replacing);
    if (claim.acquired) this.safeUntil = now + this.ttlMs - this.margin();
    return claim;
  }

  /**
   * Renews every third of the lease until release(); `onLost` is told once if a renewal is refused (the
   * leases passed to another process) or none succeeded before they would lapse (the store is gone).
   */
  keep(onLost: (error: OwnershipLostError) => void): void {
    this.timer = setInterval(() => void this.renew(onLost), this.ttlMs / 3);
    this.timer.unref();
  }

  /** The fence: throws unless the leases are surely still ours. Cheap — no store call. */
  assertHeld(): void {
    if (this.lost !== null) throw new OwnershipLostError(this.lost);
    if (this.wallNow() >= this.safeUntil)
      throw new OwnershipLostError('its leases could not be renewed in time');
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.releaseLeases(this.names, this.holder.holder, this.wallNow());
  }

  /** Live processes other than this one that share a variant with it, with their info. */
  async peers(): Promise<{ lease: LeaseRecord; info: Partial<ProcessInfo> }[]> {
    const now = this.wallNow();
    const mine = new Set(this.info.variants);
    return (await this.store.leases())
      .filter((l) => l.name.startsWith('process:') && l.holder !== this.holder.holder && leaseLive(l, now))
      .map((lease) => ({ lease, info: parseInfo(lease.info) }))
      .filter(({ info }) => (info.variants ?? []).some((v) => mine.has(v)));
  }

  private async renew(onLost: (error: OwnershipLostError) => void): Promise<void> {
    if (this.lost !== null) return;
    const now = this.wallNow();
    try {
      if (await this.store.renewLeases(this.names, this.holder.holder, now, this.ttlMs)) {
        this.safeUntil = now + this.ttlMs - this.margin();
        return;
      }
      this.lose('another process holds its leases now', onLost);
    } catch (error) {
      if (this.wallNow() >= this.safeUntil)
        this.lose(`the store could not be reached to renew its leases (${String(error)})`, onLost);
    }
  }

  private lose(why: string, onLost: (error: OwnershipLostError) => void): void {
    this.lost = why;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    onLost(new OwnershipLostError(why));
  }

  /** Acting stops this long before the lease's end: a third of it, so clocks may differ by seconds. */
  private margin(): number {
    return this.ttlMs / 3;
  }
}

/**
 * Whether a lease's holder is a process of this host that no longer exists: a crashed bot restarted by
 * its supervisor need not wait out its predecessor's lease. A pid in use again counts as alive (the
 * safe side: the lease is then waited out).
 */
export function holderGone(lease: LeaseRecord): boolean {
  if (lease.host !== hostname()) return false;
  try {
    process.kill(lease.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function parseInfo(text: string): Partial<ProcessInfo> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Partial<ProcessInfo>) : {};
  } catch {
    return {};
  }
}

/** "host, pid 123, since 2026-…" — who holds a lease, for the messages that name an owner. */
export function describeHolder(lease: LeaseRecord): string {
  return `${lease.host}, pid ${lease.pid}, since ${new Date(lease.since).toISOString()}`;
}
