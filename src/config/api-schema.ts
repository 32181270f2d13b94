// The api section: where the HTTP API and /metrics listen. Its bearer token for halt, reset and cancel
// comes from SIGIL_API_TOKEN, never from the file.
import { z } from 'zod';

export const ApiSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Serve the HTTP API and /metrics while the bot runs.'),
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Address to bind; anything but loopback also needs allow_remote.'),
  port: z.int().min(0).max(65_535).default(8700).describe('TCP port; 0 = any free port.'),
  allow_remote: z
    .boolean()
    .default(false)
    .describe('Allow a non-loopback host: halt and reset become reachable from the network.'),
});
export type ApiSettings = z.infer<typeof ApiSchema>;
