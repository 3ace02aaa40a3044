import assert from "node:assert/strict";
import { BaseError, createPublicClient, HttpRequestError, http, TimeoutError } from "viem";
import { fetchThroughNodeHttp, rpcTransport } from "../../provider/chain/rpc-transport";
import { closedPort, json, startServer, type TestServer } from "../support/recording-server";

const chainIdAnswer = (body: string) => ({
  jsonrpc: "2.0",
  id: (JSON.parse(body) as { id: number }).id,
  result: "0x7a69",
});

/** The error `promise` rejects with, walked down to its first `type`. */
async function rejectionOf<T>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => assert.fail("expected a rejection"),
    (e: unknown) => e,
  );
  const found = error instanceof BaseError ? error.walk((e) => e instanceof type) : error;
  assert.ok(found instanceof type, `expected a ${type.name}, got ${String(error)}`);
  return found;
}

/** viem's transport with the fetch of the chain module and no retries, so each failure shows once. */
const onceThroughNodeHttp = (url: string, timeout?: number) =>
  createPublicClient({
    transport: http(url, { fetchFn: fetchThroughNodeHttp, retryCount: 0, ...(timeout ? { timeout } : {}) }),
  });

describe("chain: RPC transport over node:http", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  it("carries viem's JSON-RPC requests without the global fetch", async () => {
    server.handle((req, res) => json(res, 200, chainIdAnswer(req.body)));
    const globalFetch = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new Error("the global fetch was used"));
    try {
      const chainId = await createPublicClient({ transport: rpcTransport(server.origin) }).getChainId();
      assert.equal(chainId, 31337);
    } finally {
      globalThis.fetch = globalFetch;
    }
    const [request] = server.requests;
    assert.equal(request?.method, "POST");
    assert.equal(request?.headers["content-type"], "application/json");
    assert.equal((JSON.parse(request?.body ?? "{}") as { method?: string }).method, "eth_chainId");
  });

  it("follows a 307 redirect with the same method and body, as fetch does", async () => {
    server.handle((req, res) => {
      if (req.url === "/rpc") json(res, 200, chainIdAnswer(req.body));
      else json(res, 307, {}, { location: "/rpc" });
    });
    assert.equal(await onceThroughNodeHttp(`${server.origin}/old`).getChainId(), 31337);
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.url]),
      [
        ["POST", "/old"],
        ["POST", "/rpc"],
      ],
    );
    assert.equal(server.requests[1]?.body, server.requests[0]?.body);
  });

  it("hands a non-2xx answer to viem, which reports its status", async () => {
    server.handle((_req, res) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("bad gateway");
    });
    const error = await rejectionOf(onceThroughNodeHttp(server.origin).getChainId(), HttpRequestError);
    assert.equal(error.status, 502);
  });

  it("rejects a request that reaches no server as fetch does, keeping only the code and message", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await rejectionOf(fetchThroughNodeHttp(url, { method: "POST", body: "{}" }), TypeError);
    assert.equal(error.message, "fetch failed");
    const cause = error.cause as Error & { code?: string };
    assert.equal(cause.code, "ECONNREFUSED");
    assert.deepEqual(Object.keys(cause), ["code"]);
    await assert.rejects(onceThroughNodeHttp(url).getChainId(), /HTTP request failed[\s\S]*fetch failed/);
  });

  it("stops waiting when viem's timeout aborts the request", async () => {
    server.handle(() => {}); // never answers
    await rejectionOf(onceThroughNodeHttp(server.origin, 200).getChainId(), TimeoutError);
  });
});
