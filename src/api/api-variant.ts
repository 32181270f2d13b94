// What the API knows of each configured variant beyond its name: enough to draw its equity from the
// starting balance, to judge its heartbeat as the probe would, and to show its prop-firm limits.
import type { FirmRules } from '../compliance/firm-rules.ts';

export interface ApiVariant {
  id: string;
  startingBalance: number;
  /** Minutes after its last scan at which the probe calls the variant stale (one bar + the threshold). */
  staleAfterMinutes: number;
  /** The variant's prop-firm rules; null when it trades without a compliance guard. */
  compliance: FirmRules | null;
  /** The broker account whose requests the firm counts; null for paper. */
  accountKey: string | null;
}
