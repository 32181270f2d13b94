// Whether an address stays on this machine: the API binds nothing else unless allowed (api.allow_remote),
// since halt and reset would be reachable from the network. Apart from the server so that `config check`
// can ask without loading it.
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
