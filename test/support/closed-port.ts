// A loopback URL where nothing listens: a port just freed, so a client gets ECONNREFUSED at once (the
// fast failure of a stopped server or a wrong port, not the slow one of a firewall).
import { createServer } from 'node:net';

export async function refusingUrl(path = ''): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${address.port}${path}`;
}
