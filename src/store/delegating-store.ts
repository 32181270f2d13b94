// A Store that hands every call to another one: the base of a decorator that changes a few methods
// (the replay's state cache) and must pass the rest through untouched. Written out rather than a Proxy
// so that a method added to the port is a compile error here, not a silent gap.
import type { Store } from '../domain/ports/store.ts';

type Args<K extends keyof Store> = Store[K] extends (...args: infer A) => unknown ? A : never;

export abstract class DelegatingStore implements Store {
  constructor(protected readonly inner: Store) {}

  get dialect(): Store['dialect'] {
    return this.inner.dialect;
  }

  abstract transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  insertIntent(...args: Args<'insertIntent'>) {
    return this.inner.insertIntent(...args);
  }

  insertIntents(...args: Args<'insertIntents'>) {
    return this.inner.insertIntents(...args);
  }

  intentExists(...args: Args<'intentExists'>) {
    return this.inner.intentExists(...args);
  }

  claimPending(...args: Args<'claimPending'>) {
    return this.inner.claimPending(...args);
  }

  claimNextPending(...args: Args<'claimNextPending'>) {
    return this.inner.claimNextPending(...args);
  }

  pickReady(...args: Args<'pickReady'>) {
    return this.inner.pickReady(...args);
  }

  transition(...args: Args<'transition'>) {
    return this.inner.transition(...args);
  }

  transitionMany(...args: Args<'transitionMany'>) {
    return this.inner.transitionMany(...args);
  }

  extendLease(...args: Args<'extendLease'>) {
    return this.inner.extendLease(...args);
  }

  recycleExpiredClaims(...args: Args<'recycleExpiredClaims'>) {
    return this.inner.recycleExpiredClaims(...args);
  }

  expireStaleIntents(...args: Args<'expireStaleIntents'>) {
    return this.inner.expireStaleIntents(...args);
  }

  cleanupOldIntents(...args: Args<'cleanupOldIntents'>) {
    return this.inner.cleanupOldIntents(...args);
  }

  getIntent(...args: Args<'getIntent'>) {
    return this.inner.getIntent(...args);
  }

  listIntents(...args: Args<'listIntents'>) {
    return this.inner.listIntents(...args);
  }

  countByStatus(...args: Args<'countByStatus'>) {
    return this.inner.countByStatus(...args);
  }

  decisionRecords(...args: Args<'decisionRecords'>) {
    return this.inner.decisionRecords(...args);
  }

  openPosition(...args: Args<'openPosition'>) {
    return this.inner.openPosition(...args);
  }

  closePosition(...args: Args<'closePosition'>) {
    return this.inner.closePosition(...args);
  }

  getPosition(...args: Args<'getPosition'>) {
    return this.inner.getPosition(...args);
  }

  openPositions(...args: Args<'openPositions'>) {
    return this.inner.openPositions(...args);
  }

  openPositionOf(...args: Args<'openPositionOf'>) {
    return this.inner.openPositionOf(...args);
  }

  advancePosition(...args: Args<'advancePosition'>) {
    return this.inner.advancePosition(...args);
  }

  closedPositions(...args: Args<'closedPositions'>) {
    return this.inner.closedPositions(...args);
  }

  realizedPnl(...args: Args<'realizedPnl'>) {
    return this.inner.realizedPnl(...args);
  }

  realizedTotal(...args: Args<'realizedTotal'>) {
    return this.inner.realizedTotal(...args);
  }

  tryLockEntry(...args: Args<'tryLockEntry'>) {
    return this.inner.tryLockEntry(...args);
  }

  upsertProtection(...args: Args<'upsertProtection'>) {
    return this.inner.upsertProtection(...args);
  }

  activeProtections(...args: Args<'activeProtections'>) {
    return this.inner.activeProtections(...args);
  }

  protectionsInForce(...args: Args<'protectionsInForce'>) {
    return this.inner.protectionsInForce(...args);
  }

  liftProtections(...args: Args<'liftProtections'>) {
    return this.inner.liftProtections(...args);
  }

  tradingState(...args: Args<'tradingState'>) {
    return this.inner.tradingState(...args);
  }

  tradingStates(...args: Args<'tradingStates'>) {
    return this.inner.tradingStates(...args);
  }

  setTradingState(...args: Args<'setTradingState'>) {
    return this.inner.setTradingState(...args);
  }

  tradingStateChanges(...args: Args<'tradingStateChanges'>) {
    return this.inner.tradingStateChanges(...args);
  }

  recordOrder(...args: Args<'recordOrder'>) {
    return this.inner.recordOrder(...args);
  }

  findOrder(...args: Args<'findOrder'>) {
    return this.inner.findOrder(...args);
  }

  findOrderByBrokerRef(...args: Args<'findOrderByBrokerRef'>) {
    return this.inner.findOrderByBrokerRef(...args);
  }

  variantOrders(...args: Args<'variantOrders'>) {
    return this.inner.variantOrders(...args);
  }

  setOrderStops(...args: Args<'setOrderStops'>) {
    return this.inner.setOrderStops(...args);
  }

  recordOrderAttempt(...args: Args<'recordOrderAttempt'>) {
    return this.inner.recordOrderAttempt(...args);
  }

  orderAttempt(...args: Args<'orderAttempt'>) {
    return this.inner.orderAttempt(...args);
  }

  spendApiCalls(...args: Args<'spendApiCalls'>) {
    return this.inner.spendApiCalls(...args);
  }

  apiCalls(...args: Args<'apiCalls'>) {
    return this.inner.apiCalls(...args);
  }

  cachedLlmResponse(...args: Args<'cachedLlmResponse'>) {
    return this.inner.cachedLlmResponse(...args);
  }

  cacheLlmResponse(...args: Args<'cacheLlmResponse'>) {
    return this.inner.cacheLlmResponse(...args);
  }

  reserveLlmSpend(...args: Args<'reserveLlmSpend'>) {
    return this.inner.reserveLlmSpend(...args);
  }

  settleLlmSpend(...args: Args<'settleLlmSpend'>) {
    return this.inner.settleLlmSpend(...args);
  }

  llmSpend(...args: Args<'llmSpend'>) {
    return this.inner.llmSpend(...args);
  }

  recordEquity(...args: Args<'recordEquity'>) {
    return this.inner.recordEquity(...args);
  }

  equitySnapshots(...args: Args<'equitySnapshots'>) {
    return this.inner.equitySnapshots(...args);
  }

  equityHeadline(...args: Args<'equityHeadline'>) {
    return this.inner.equityHeadline(...args);
  }

  ensureJob(...args: Args<'ensureJob'>) {
    return this.inner.ensureJob(...args);
  }

  claimDueJobs(...args: Args<'claimDueJobs'>) {
    return this.inner.claimDueJobs(...args);
  }

  finishJob(...args: Args<'finishJob'>) {
    return this.inner.finishJob(...args);
  }

  renewJobLease(...args: Args<'renewJobLease'>) {
    return this.inner.renewJobLease(...args);
  }

  rescheduleJob(...args: Args<'rescheduleJob'>) {
    return this.inner.rescheduleJob(...args);
  }

  jobs(...args: Args<'jobs'>) {
    return this.inner.jobs(...args);
  }

  freeJobLeases(...args: Args<'freeJobLeases'>) {
    return this.inner.freeJobLeases(...args);
  }

  acquireLeases(...args: Args<'acquireLeases'>) {
    return this.inner.acquireLeases(...args);
  }

  renewLeases(...args: Args<'renewLeases'>) {
    return this.inner.renewLeases(...args);
  }

  releaseLeases(...args: Args<'releaseLeases'>) {
    return this.inner.releaseLeases(...args);
  }

  leases(...args: Args<'leases'>) {
    return this.inner.leases(...args);
  }

  storeIdentity(...args: Args<'storeIdentity'>) {
    return this.inner.storeIdentity(...args);
  }

  claimStoreIdentity(...args: Args<'claimStoreIdentity'>) {
    return this.inner.claimStoreIdentity(...args);
  }

  controlOffset(...args: Args<'controlOffset'>) {
    return this.inner.controlOffset(...args);
  }

  saveControlOffset(...args: Args<'saveControlOffset'>) {
    return this.inner.saveControlOffset(...args);
  }

  recordScanStart(...args: Args<'recordScanStart'>) {
    return this.inner.recordScanStart(...args);
  }

  recordScanEnd(...args: Args<'recordScanEnd'>) {
    return this.inner.recordScanEnd(...args);
  }

  heartbeats(...args: Args<'heartbeats'>) {
    return this.inner.heartbeats(...args);
  }

  externalVersion(): Promise<number | null> {
    return this.inner.externalVersion?.() ?? Promise.resolve(null);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
