import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RpcCall {
  readonly id: number;
  readonly method: string;
  readonly params?: unknown[];
}

/** What the proxy answers instead of the node: a JSON-RPC result or error; undefined forwards the call. */
export type RpcOverride = { result: unknown } | { error: { code: number; message: string } } | undefined;

export interface RpcProxy {
  readonly rpcUrl: string;
  close(): Promise<void>;
}

/** A JSON-RPC endpoint in front of `target` that lets a test answer some calls itself (a node that misbehaves). */
export async function startRpcProxy(
  target: string,
  intercept: (call: RpcCall) => RpcOverride,
): Promise<RpcProxy> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const call = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcCall;
    const override = intercept(call);
    const answer = override
      ? { jsonrpc: "2.0", id: call.id, ...override }
      : await (
          await fetch(target, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(call),
          })
        ).json();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    rpcUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
