import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import type { RetryInfo } from "../../provider/api";
import { PhalaApiError, PhalaClient, RedirectError } from "../../provider/api";
import { json, startServer, type TestServer } from "../support/recording-server";
import { clientFor, rejection } from "./helpers/client";
import { API_KEY } from "./helpers/fixtures";

/** Every way an error is commonly turned into text. */
function renderings(error: unknown): string[] {
  const e = error as Error;
  return [
    String(e),
    e.message,
    e.stack ?? "",
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
  ];
}

function assertAbsent(error: unknown, secrets: string[]): void {
  for (const text of renderings(error)) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `secret leaked into: ${text.slice(0, 400)}`);
    }
  }
}

describe("PhalaClient security", () => {
  let api: TestServer;
  let elsewhere: TestServer;
  beforeEach(async () => {
    api = await startServer();
    elsewhere = await startServer((_req, res) => json(res, 200, { stolen: true }));
  });
  afterEach(async () => {
    await api.close();
    await elsewhere.close();
  });

  describe("redirects are not followed", () => {
    for (const status of [301, 302, 303, 307, 308]) {
      it(`${status} to another origin → RedirectError, nothing sent there`, async () => {
        api.handle((_req, res) => {
          res.writeHead(status, { location: `${elsewhere.origin}/steal?from=test` });
          res.end();
        });
        const client = clientFor(api);
        const get = await rejection(() => client.getCvm("my-app"));
        const patch = await rejection(() => client.patchEnvs("my-app", { encryptedEnv: "ab".repeat(32) }));
        for (const error of [get, patch]) {
          assert.ok(error instanceof RedirectError, String(error));
          assert.equal(error.status, status);
          assert.equal(error.locationOrigin, elsewhere.origin);
          assert.match(error.message, /not followed/);
          assertAbsent(error, [API_KEY]);
        }
        assert.equal(elsewhere.requests.length, 0, "the other server received a request");
        assert.equal(api.requests.length, 2, "redirects are not retried");
      });
    }
  });

  describe("redaction", () => {
    const encryptedEnv = randomBytes(256).toString("hex");
    const plainSecret = "PLANTED-SECRET-VALUE-7f3a";
    const fragment = encryptedEnv.slice(100, 300);

    /** A server that echoes the request's secrets back in every text field it can. */
    function echoingServer(status: number, layout: "A" | "B" | "C" | "D" | "E") {
      api.handle((req, res) => {
        const echo = `key ${req.headers["x-api-key"]} body ${req.body} fragment ${fragment}`;
        const bodies = {
          A: { detail: echo },
          B: {
            detail: [{ loc: ["body", "encrypted_env"], msg: echo, type: "value_error", input: req.body }],
          },
          C: {
            error_code: "ERR-01-006",
            message: echo,
            request_id: echo,
            suggestions: [echo],
            details: [{ field: "x", value: echo }],
          },
          D: { detail: { error_code: "ERR-01-007", message: echo, suggestions: [echo] } },
          E: { message: echo, compose_hash: echo },
        };
        json(res, status, bodies[layout], { "x-request-id": "rid-1" });
      });
    }

    const cases: [number, "A" | "B" | "C" | "D" | "E"][] = [
      [400, "A"],
      [401, "A"],
      [404, "D"],
      [409, "A"],
      [422, "B"],
      [429, "C"],
      [466, "C"],
      [467, "D"],
      [468, "E"],
      [500, "A"],
      [503, "C"],
    ];
    for (const [status, layout] of cases) {
      it(`HTTP ${status} layout ${layout} echoing the request: no key, body or planted secret in the error`, async () => {
        echoingServer(status, layout);
        const retries: RetryInfo[] = [];
        const client = new PhalaClient({
          apiKey: API_KEY,
          baseUrl: `${api.origin}/api/v1`,
          retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 },
          onRetry: (i) => retries.push(i),
        });
        const error = await rejection(() => client.patchEnvs("my-app", { encryptedEnv, envKeys: ["A"] }));
        assert.ok(error instanceof PhalaApiError);
        assert.equal(error.status, status);
        assertAbsent(error, [API_KEY, encryptedEnv, fragment, encryptedEnv.slice(0, 64)]);
        assert.ok(!JSON.stringify(retries).includes(API_KEY));
        assert.ok(!JSON.stringify(retries).includes(fragment));
      });
    }

    it("a secret passed in the request body is redacted even when it is not hex", async () => {
      api.handle((req, res) => json(res, 400, { detail: `you sent ${req.body}` }));
      const error = await rejection(() => clientFor(api).patchEnvs("my-app", { encryptedEnv: plainSecret }));
      assert.ok(error instanceof PhalaApiError);
      assertAbsent(error, [plainSecret, API_KEY]);
      assert.match(error.message, /\[redacted\]/);
    });

    it("network errors carry no request options, headers or body", async () => {
      api.handle((_req, _res, raw) => raw.socket.destroy());
      const error = await rejection(() => clientFor(api).patchEnvs("my-app", { encryptedEnv }));
      assert.ok(error instanceof PhalaApiError);
      assert.equal((error as Error & { cause?: unknown }).cause, undefined);
      assertAbsent(error, [API_KEY, encryptedEnv, "x-api-key"]);
    });

    it("an API-key-shaped token the client was not told about is still redacted", async () => {
      api.handle((_req, res) => json(res, 400, { detail: "key phak_someone_elses_key_123 is revoked" }));
      const error = await rejection(() => clientFor(api).getCvm("my-app"));
      assertAbsent(error, ["phak_someone_elses_key_123"]);
    });
  });
});
