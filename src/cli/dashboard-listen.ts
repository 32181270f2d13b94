// Where `sigil run` and `sigil dashboard` serve the dashboard: the config's api section with the
// command's --host / --port laid over it, and a port already taken explained instead of a stack trace.
import type { SigilConfig } from '../config/load-config.ts';
import { startDashboard, type DashboardOptions } from '../app/dashboard-server.ts';
import type { ApiServer } from '../api/server.ts';
import { UsageError } from './cli-error.ts';
import { remoteBindProblem } from '../app/config-readiness.ts';
import { ConfigError } from '../config/config-error.ts';

export interface ListenFlags {
  host?: string;
  port?: string;
}

export function listenSettings(
  config: SigilConfig,
  flags: ListenFlags,
): Pick<DashboardOptions, 'host' | 'port' | 'allowRemote'> {
  const port = flags.port === undefined ? config.api.port : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(
      `--port must be a whole number from 0 to 65535 (0 = any free port), got ${flags.port}`,
    );
  const host = flags.host ?? config.api.host;
  const fromFlag = flags.host !== undefined;
  const refused = remoteBindProblem(config, fromFlag ? '--host' : 'api.host', host);
  if (refused !== null && fromFlag) throw new UsageError(refused);
  if (refused !== null) throw new ConfigError(config.file ?? 'built-in defaults', [refused]);
  return { host, port, allowRemote: config.api.allow_remote };
}

export async function serveDashboard(
  options: DashboardOptions,
  configFile: string | null,
): Promise<ApiServer> {
  try {
    return await startDashboard(options);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new UsageError(
        `the dashboard cannot listen on ${options.host}:${options.port}: the port is taken (another Sigil?). ` +
          `Set api.port in ${configFile ?? 'the config'} (0 = any free port) or pass --port.`,
      );
    }
    throw error;
  }
}
