// Changes waiting for their confirmation: asked once, confirmed by the inline button or by the same
// command again from the same chat within the window, used once. Kept in memory only: a restart forgets
// them, and a button pressed after it answers "expired" — the operator asks again, nothing runs unseen.
import { randomBytes } from 'node:crypto';
import type { EpochMs } from '../../domain/ids.ts';
import { changeKey, type ChangeCommand } from './chat-command.ts';

export const CONFIRM_WINDOW_MS = 60_000;
export const CONFIRM_PREFIX = 'confirm:';
export const CANCEL_PREFIX = 'cancel:';

interface Pending {
  token: string;
  chatId: string;
  command: ChangeCommand;
  expiresAt: EpochMs;
}

export type RepeatOutcome = { confirmed: true } | { confirmed: false; token: string };

export class PendingConfirmations {
  private readonly byToken = new Map<string, Pending>();

  constructor(private readonly windowMs = CONFIRM_WINDOW_MS) {}

  /**
   * A change typed in a chat: the same change pending from that chat is confirmed (and used up);
   * otherwise it is now pending, under a new token for its button.
   */
  typed(chatId: string, command: ChangeCommand, now: EpochMs): RepeatOutcome {
    this.forgetExpired(now);
    const key = changeKey(command);
    for (const pending of this.byToken.values()) {
      if (pending.chatId === chatId && changeKey(pending.command) === key) {
        this.byToken.delete(pending.token);
        return { confirmed: true };
      }
    }
    // callback_data holds at most 64 bytes: a short random token, not the command.
    const token = randomBytes(6).toString('hex');
    this.byToken.set(token, { token, chatId, command, expiresAt: now + this.windowMs });
    return { confirmed: false, token };
  }

  /** A button pressed: the pending change it confirms, used up; null when unknown, expired or another chat's. */
  pressed(chatId: string, token: string, now: EpochMs): ChangeCommand | null {
    this.forgetExpired(now);
    const pending = this.byToken.get(token);
    if (!pending || pending.chatId !== chatId) return null;
    this.byToken.delete(token);
    return pending.command;
  }

  private forgetExpired(now: EpochMs): void {
    for (const [token, pending] of this.byToken) if (pending.expiresAt <= now) this.byToken.delete(token);
  }
}
