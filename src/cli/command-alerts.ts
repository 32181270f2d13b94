// The alert dispatcher of a command (run, probe, halt, reset): the configured sinks, with an alert that
// could not be delivered written to the command's log rather than lost without a word.
import type { AppContext } from '../app/app-context.ts';
import { alertsFor } from '../app/alerts-for.ts';
import type { AlertDispatcher } from '../alerts/alert-dispatcher.ts';
import { describeError } from '../domain/errors.ts';
import type { Logger } from '../logging/logger.ts';

/** Null without sinks; a sink whose secret is missing throws a configuration error (exit 2). */
export function commandAlerts(context: AppContext, log: Logger): AlertDispatcher | null {
  return alertsFor(context.config, {
    clock: context.clock,
    onDropped: (sink, alert, error) =>
      log.warn(
        { sink, alert: alert.title, err: error },
        `alert "${alert.title}" not delivered by ${sink}: ${describeError(error)}`,
      ),
  });
}
