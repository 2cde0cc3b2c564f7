import { createServer, connect, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  /** A partition: every open connection is dropped and new ones are refused until `heal`. */
  cut(): void;
  /** A black hole: connections stay open, but nothing gets through either way until `heal`. */
  stall(): void;
  heal(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy to `targetPort` that a test controls, to cut or stall one process's connection
 * to a server while everything else keeps talking to it.
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: "open" | "cut" | "stalled" = "open";
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (mode === "cut") return void client.destroy();
    const upstream = connect(targetPort, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === "stalled") {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const each = (work: (socket: Socket) => void) => pairs.forEach((pair) => pair.forEach(work));
  return {
    port,
    cut() {
      mode = "cut";
      each((socket) => socket.destroy());
      pairs.clear();
    },
    stall() {
      mode = "stalled";
      each((socket) => socket.pause());
    },
    heal() {
      if (mode === "stalled") each((socket) => socket.resume());
      mode = "open";
    },
    close: async () => {
      each((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
