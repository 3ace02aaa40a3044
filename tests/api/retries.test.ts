import assert from "node:assert/strict";
import type { RetryInfo } from "../../provider/api";
import { NetworkError, PhalaClient, RateLimitedError } from "../../provider/api";
import { closedPort, json, startServer, type TestServer } from "../support/recording-server";
import { clientFor, rejection } from "./helpers/client";
import { API_KEY, cvmDetail20260121 } from "./helpers/fixtures";

describe("PhalaClient retries", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  /** Answers with `failure` for the first `failures` requests, then with the CVM detail. */
  function failThenSucceed(
    failures: number,
    failure: (res: Parameters<Parameters<TestServer["handle"]>[0]>[1]) => void,
  ) {
    let calls = 0;
    server.handle((_req, res) => {
      calls++;
      if (calls <= failures) failure(res);
      else json(res, 200, cvmDetail20260121);
    });
  }

  it("waits the Retry-After seconds, even beyond the backoff cap", async () => {
    failThenSucceed(1, (res) => json(res, 429, { detail: "slow down" }, { "retry-after": "1" }));
    const retries: RetryInfo[] = [];
    const started = Date.now();
    const cvm = await clientFor(server, { onRetry: (i) => retries.push(i) }).getCvm("my-app");
    const elapsed = Date.now() - started;
    assert.equal(cvm.name, "my-app");
    assert.deepEqual(retries, [
      { route: "GET /cvms/my-app", attempt: 1, delayMs: 1_000, reason: "HTTP 429" },
    ]);
    assert.ok(elapsed >= 950, `waited only ${elapsed} ms`);
    assert.equal(server.requests.length, 2);
  });

  it("waits until a Retry-After HTTP date", async () => {
    failThenSucceed(1, (res) =>
      json(
        res,
        503,
        { detail: "maintenance" },
        { "retry-after": new Date(Date.now() + 2_000).toUTCString() },
      ),
    );
    const retries: RetryInfo[] = [];
    const started = Date.now();
    await clientFor(server, { onRetry: (i) => retries.push(i) }).getCvm("my-app");
    const elapsed = Date.now() - started;
    const delay = retries[0]?.delayMs ?? -1;
    // The date has second precision: the wait lies between 1 and 2 seconds.
    assert.ok(delay > 900 && delay <= 2_000, `delay ${delay}`);
    assert.ok(elapsed >= delay - 20, `waited ${elapsed} ms for a ${delay} ms delay`);
  });

  it("does not wait out a Retry-After longer than maxRetryAfterMs", async () => {
    failThenSucceed(1, (res) => json(res, 429, { detail: "slow down" }, { "retry-after": "3600" }));
    const started = Date.now();
    const error = await rejection(() =>
      clientFor(server, { retry: { maxRetryAfterMs: 5_000 } }).getCvm("my-app"),
    );
    assert.ok(error instanceof RateLimitedError);
    assert.equal(error.retryAfterMs, 3_600_000);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(server.requests.length, 1);
  });

  it("backs off exponentially with jitter, capped at maxDelayMs, then gives up", async () => {
    server.handle((_req, res) => json(res, 503, { detail: "down" }));
    const retries: RetryInfo[] = [];
    const error = await rejection(() =>
      clientFor(server, {
        retry: { limit: 6, baseDelayMs: 4, maxDelayMs: 16 },
        onRetry: (i) => retries.push(i),
      }).getCvm("my-app"),
    );
    assert.equal(server.requests.length, 7);
    assert.deepEqual(
      retries.map((r) => r.attempt),
      [1, 2, 3, 4, 5, 6],
    );
    const caps = [4, 8, 16, 16, 16, 16];
    retries.forEach((r, i) => {
      const cap = caps[i] ?? 0;
      assert.ok(
        r.delayMs >= cap / 2 && r.delayMs <= cap,
        `retry ${i + 1}: ${r.delayMs} ms outside [${cap / 2}, ${cap}]`,
      );
    });
    assert.ok(error instanceof Error);
    assert.match(error.message, /Gave up after 7 attempts/);
  });

  it("retries a 5xx on GET, then returns the result", async () => {
    failThenSucceed(2, (res) => json(res, 500, { detail: "oops" }));
    const cvm = await clientFor(server).getCvm("my-app");
    assert.equal(cvm.id, "cvm_0123abcd");
    assert.equal(server.requests.length, 3);
  });

  it("retry limit 0 sends exactly one request", async () => {
    server.handle((_req, res) => json(res, 503, { detail: "down" }));
    await rejection(() => clientFor(server, { retry: { limit: 0 } }).getCvm("my-app"));
    assert.equal(server.requests.length, 1);
  });

  it("PATCH is retried when the connection is refused (the request never left)", async () => {
    const port = await closedPort();
    const retries: RetryInfo[] = [];
    const client = new PhalaClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}/api/v1`,
      retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 2 },
      onRetry: (i) => retries.push(i),
    });
    const error = await rejection(() => client.patchEnvs("my-app", { encryptedEnv: "ab".repeat(40) }));
    assert.ok(error instanceof NetworkError);
    assert.equal(error.code, "ECONNREFUSED");
    assert.equal(error.timedOut, false);
    assert.doesNotMatch(error.message, /may have reached the server/);
    assert.match(error.message, /connection refused/);
    assert.deepEqual(
      retries.map((r) => [r.attempt, r.reason]),
      [
        [1, "ECONNREFUSED"],
        [2, "ECONNREFUSED"],
      ],
    );
  });
});
