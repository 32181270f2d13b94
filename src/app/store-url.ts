// Which database a command uses: --db, then SIGIL_DB (environment or .env), then the config file's
// store.url, then the embedded default.
import { DEFAULT_DB_URL } from '../store/open-store.ts';

export function resolveStoreUrl(
  flag: string | undefined,
  configUrl: string | undefined,
  env = process.env,
): string {
  return flag ?? env.SIGIL_DB ?? configUrl ?? DEFAULT_DB_URL;
}
