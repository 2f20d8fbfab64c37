import { createServer, type AddressInfo, type Socket } from "node:net";

/** A TCP listener on 127.0.0.1 that accepts connections and never answers: an origin to watch, or a silent network. */
export interface SilentListener {
  /** `https://127.0.0.1:{port}`. */
  origin: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function listenSilently(): Promise<SilentListener> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An https origin on 127.0.0.1 where nothing listens any more: every connection is refused. */
export async function refusingOrigin(): Promise<string> {
  const listener = await listenSilently();
  await listener.close();
  return listener.origin;
}
