import { createServer, type Server, type Socket } from 'node:net';

export interface BlackHole {
  port: number;
  close(): Promise<void>;
}

/** Accepts every connection and never answers: an endpoint behind a firewall that drops replies. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the black hole has no port');
  return {
    port: address.port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: one a server had, then gave back. */
export async function closedPort(): Promise<number> {
  const hole = await startBlackHole();
  await hole.close();
  return hole.port;
}
