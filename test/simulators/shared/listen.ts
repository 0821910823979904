import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` on host:port (0 = a free port); rejects when the address cannot be taken.
 * Returns the port bound and the host as a URL shows it (an IPv6 address in brackets).
 */
export async function listen(server: Server, port: number, host: string): Promise<{ port: number; urlHost: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return { port: address.port, urlHost: host.includes(':') ? `[${host}]` : host };
}
