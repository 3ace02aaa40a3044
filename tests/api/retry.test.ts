import assert from "node:assert/strict";
import {
  type AttemptOutcome,
  backoffDelay,
  parseRetryAfter,
  type RetryContext,
  type RetryPolicy,
  retryDelay,
} from "../../provider/api";

const policy: RetryPolicy = { limit: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 };
const NOW = Date.parse("2026-03-01T12:00:00Z");
const get = (random = 1 - Number.EPSILON): RetryContext => ({
  policy,
  idempotent: true,
  now: () => NOW,
  random: () => random,
});
const patch = (random = 1 - Number.EPSILON): RetryContext => ({ ...get(random), idempotent: false });
const status = (
  s: number,
  extra: Partial<Extract<AttemptOutcome, { kind: "response" }>> = {},
): AttemptOutcome => ({
  kind: "response",
  status: s,
  ...extra,
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    assert.equal(parseRetryAfter("0", NOW), 0);
    assert.equal(parseRetryAfter("7", NOW), 7_000);
    assert.equal(parseRetryAfter(" 12 ", NOW), 12_000);
  });
  it("reads an HTTP date relative to now, never negative", () => {
    assert.equal(parseRetryAfter("Sun, 01 Mar 2026 12:00:30 GMT", NOW), 30_000);
    assert.equal(parseRetryAfter("Sun, 01 Mar 2026 11:59:00 GMT", NOW), 0);
  });
  it("ignores absent or malformed values", () => {
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
    assert.equal(parseRetryAfter("", NOW), undefined);
    assert.equal(parseRetryAfter("soon", NOW), undefined);
    assert.equal(parseRetryAfter("-5", NOW), undefined);
    assert.equal(parseRetryAfter("1.5", NOW), undefined);
  });
});

describe("backoffDelay", () => {
  it("doubles per attempt up to the cap", () => {
    const top = () => 1 - Number.EPSILON;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, policy, top)),
      [100, 200, 400, 800, 1_000, 1_000, 1_000],
    );
  });
  it("jitters within [cap/2, cap]", () => {
    assert.equal(
      backoffDelay(3, policy, () => 0),
      200,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0.5),
      300,
    );
    assert.equal(
      backoffDelay(9, policy, () => 0),
      500,
    );
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, policy);
      assert.ok(d >= 400 && d <= 800, `delay ${d} out of range`);
    }
  });
});

describe("retryDelay", () => {
  it("retries GET on 408, 409 without code, 429 and every 5xx", () => {
    for (const s of [408, 409, 429, 500, 502, 503, 504, 599]) {
      assert.equal(retryDelay(1, status(s), get()), 100, `status ${s}`);
    }
  });

  it("does not retry other 4xx, 2xx/3xx, or the coded 46x answers", () => {
    for (const s of [200, 302, 400, 401, 403, 404, 422, 465, 466, 467, 468]) {
      assert.equal(retryDelay(1, status(s), get()), undefined, `status ${s}`);
    }
  });

  it("does not retry a 409 that carries an error_code", () => {
    assert.equal(retryDelay(1, status(409, { errorCode: "ERR-03-099" }), get()), undefined);
  });

  it("retries PATCH only on answers that mean it was not accepted", () => {
    for (const s of [408, 429, 503]) assert.equal(retryDelay(1, status(s), patch()), 100, `status ${s}`);
    // Busy (409) is the env flow's to wait out: one retry layer per failure.
    for (const s of [409, 500, 502, 504])
      assert.equal(retryDelay(1, status(s), patch()), undefined, `status ${s}`);
  });

  it("retries network errors for GET, and for PATCH only when the request never left", () => {
    assert.equal(retryDelay(1, { kind: "network", mayHaveReachedServer: true }, get()), 100);
    assert.equal(retryDelay(1, { kind: "network", mayHaveReachedServer: true }, patch()), undefined);
    assert.equal(retryDelay(1, { kind: "network", mayHaveReachedServer: false }, patch()), 100);
  });

  it("honours Retry-After over the backoff, in seconds or as a date, even above the backoff cap", () => {
    assert.equal(retryDelay(1, status(429, { retryAfter: "3" }), get()), 3_000);
    assert.equal(retryDelay(4, status(503, { retryAfter: "Sun, 01 Mar 2026 12:00:02 GMT" }), patch()), 2_000);
    assert.equal(retryDelay(1, status(409, { retryAfter: "0" }), get()), 0);
  });

  it("gives up when Retry-After exceeds maxRetryAfterMs", () => {
    assert.equal(retryDelay(1, status(429, { retryAfter: "11" }), get()), undefined);
    assert.equal(retryDelay(1, status(429, { retryAfter: "10" }), get()), 10_000);
  });

  it("falls back to backoff when Retry-After is malformed", () => {
    assert.equal(retryDelay(2, status(429, { retryAfter: "later" }), get()), 200);
  });

  it("stops after `limit` retries", () => {
    assert.equal(retryDelay(5, status(503), get()), 1_000);
    assert.equal(retryDelay(6, status(503), get()), undefined);
    assert.equal(retryDelay(1, status(503), { ...get(), policy: { ...policy, limit: 0 } }), undefined);
  });
});
