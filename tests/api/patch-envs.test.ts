import assert from "node:assert/strict";
import type { RetryInfo } from "../../provider/api";
import { BusyError, NetworkError, ServerError } from "../../provider/api";
import { json, startServer, type TestServer } from "../support/recording-server";
import { clientFor, rejection } from "./helpers/client";
import { APP_ID, COMPOSE_HASH, DEVICE_ID, precondition465Bodies } from "./helpers/fixtures";

const ENCRYPTED = "a1b2c3d4".repeat(16);
const TX = `0x${"cd".repeat(32)}`;

describe("PATCH /cvms/{id}/envs", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  it("202 → accepted; sends snake_case JSON without undefined keys", async () => {
    server.handle((_req, res) =>
      json(res, 202, {
        status: "in_progress",
        message: "Update started",
        correlation_id: "corr-1",
        allowed_envs_changed: true,
      }),
    );
    const result = await clientFor(server).patchEnvs(APP_ID, {
      encryptedEnv: ENCRYPTED,
      envKeys: ["A", "B"],
    });
    assert.deepEqual(result, {
      kind: "accepted",
      correlationId: "corr-1",
      allowedEnvsChanged: true,
      message: "Update started",
    });
    const req = server.requests[0];
    assert.ok(req);
    assert.equal(req.method, "PATCH");
    assert.equal(req.url, `/api/v1/cvms/app_${APP_ID}/envs`);
    assert.equal(req.headers["content-type"], "application/json");
    assert.equal(req.headers["x-phala-version"], "2026-01-21");
    assert.equal(req.body, JSON.stringify({ encrypted_env: ENCRYPTED, env_keys: ["A", "B"] }));
  });

  it("202 without allowed_envs_changed → accepted, the flag left out", async () => {
    server.handle((_req, res) =>
      json(res, 202, { status: "in_progress", message: "m", correlation_id: "c" }),
    );
    const result = await clientFor(server).patchEnvs(APP_ID, { encryptedEnv: ENCRYPTED });
    assert.deepEqual(result, { kind: "accepted", correlationId: "c", message: "m" });
  });

  it("phase 2 sends compose_hash verbatim and transaction_hash", async () => {
    server.handle((_req, res) =>
      json(res, 202, {
        status: "in_progress",
        message: "",
        correlation_id: "corr-2",
        allowed_envs_changed: true,
      }),
    );
    await clientFor(server).patchEnvs("my-app", {
      encryptedEnv: ENCRYPTED,
      envKeys: ["A"],
      composeHash: `0x${COMPOSE_HASH.toUpperCase()}`,
      transactionHash: TX,
    });
    assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ""), {
      encrypted_env: ENCRYPTED,
      env_keys: ["A"],
      compose_hash: `0x${COMPOSE_HASH.toUpperCase()}`,
      transaction_hash: TX,
    });
  });

  for (const prefix of ["", "0x"]) {
    for (const [layout, body] of precondition465Bodies(
      `${prefix}${COMPOSE_HASH}`,
      `${prefix}${APP_ID}`,
      `${prefix}${DEVICE_ID}`,
    )) {
      it(`465 layout ${layout}${prefix === "" ? "" : " with 0x"} → precondition_required, not retried`, async () => {
        server.handle((_req, res) => json(res, 465, body));
        const result = await clientFor(server).patchEnvs("my-app", {
          encryptedEnv: ENCRYPTED,
          envKeys: ["A", "NEW"],
        });
        assert.equal(result.kind, "precondition_required");
        if (result.kind !== "precondition_required") return;
        assert.equal(result.composeHash, `${prefix}${COMPOSE_HASH}`);
        assert.equal(result.composeHashHex, COMPOSE_HASH);
        assert.equal(result.appId, APP_ID);
        assert.equal(result.deviceId, DEVICE_ID);
        assert.equal(result.kmsInfo?.chainId, 8453);
        assert.equal(result.message, "Compose hash registration required on-chain");
        assert.equal(server.requests.length, 1);
      });
    }
  }

  it("465 for a Phala-KMS app without kms_info or device_id", async () => {
    server.handle((_req, res) =>
      json(res, 465, {
        error_code: "ERR-01-005",
        message: "Compose hash verification required",
        details: [
          { field: "compose_hash", value: COMPOSE_HASH },
          { field: "app_id", value: APP_ID },
        ],
      }),
    );
    const result = await clientFor(server).patchEnvs("my-app", { encryptedEnv: ENCRYPTED, envKeys: ["A"] });
    assert.deepEqual(result, {
      kind: "precondition_required",
      composeHash: COMPOSE_HASH,
      composeHashHex: COMPOSE_HASH,
      appId: APP_ID,
      message: "Compose hash verification required",
      errorCode: "ERR-01-005",
    });
  });

  describe("retries", () => {
    for (const [status, body] of [
      [429, { detail: "Too many requests" }],
      [503, { detail: "Service unavailable" }],
    ] as const) {
      it(`retried after ${status} (the server did not accept the call)`, async () => {
        let calls = 0;
        server.handle((_req, res) => {
          calls++;
          if (calls < 3) json(res, status, body);
          else
            json(res, 202, {
              status: "in_progress",
              message: "",
              correlation_id: "corr-r",
              allowed_envs_changed: false,
            });
        });
        const retries: RetryInfo[] = [];
        const result = await clientFor(server, { onRetry: (i) => retries.push(i) }).patchEnvs("my-app", {
          encryptedEnv: ENCRYPTED,
        });
        assert.equal(result.kind, "accepted");
        assert.equal(server.requests.length, 3);
        assert.deepEqual(
          server.requests.map((r) => r.body),
          Array(3).fill(JSON.stringify({ encrypted_env: ENCRYPTED })),
          "the same body each time",
        );
        assert.deepEqual(
          retries.map((r) => [r.route, r.attempt, r.reason]),
          [
            ["PATCH /cvms/my-app/envs", 1, `HTTP ${status}`],
            ["PATCH /cvms/my-app/envs", 2, `HTTP ${status}`],
          ],
        );
      });
    }

    it("not retried after a busy 409: the env flow waits that out, so there is one retry layer", async () => {
      server.handle((_req, res) => json(res, 409, { detail: "Another operation in progress" }));
      const error = await rejection(() => clientFor(server).patchEnvs("my-app", { encryptedEnv: ENCRYPTED }));
      assert.ok(error instanceof BusyError);
      assert.equal(server.requests.length, 1);
      assert.ok(!error.message.includes("attempts"), error.message);
    });

    it("not retried after a 409 that carries an error code", async () => {
      server.handle((_req, res) => json(res, 409, { error_code: "ERR-03-020", message: "Conflict" }));
      const error = await rejection(() => clientFor(server).patchEnvs("my-app", { encryptedEnv: ENCRYPTED }));
      assert.ok(error instanceof BusyError);
      assert.equal(error.errorCode, "ERR-03-020");
      assert.equal(server.requests.length, 1);
    });

    it("not retried after a 500 or 502 (the server may have acted on it)", async () => {
      for (const status of [500, 502]) {
        server.requests.length = 0;
        server.handle((_req, res) => json(res, status, { detail: "boom" }));
        const error = await rejection(() =>
          clientFor(server).patchEnvs("my-app", { encryptedEnv: ENCRYPTED }),
        );
        assert.ok(error instanceof ServerError);
        assert.equal(server.requests.length, 1, `status ${status}`);
      }
    });

    it("not retried when the connection drops after the request was sent", async () => {
      server.handle((_req, _res, raw) => raw.socket.destroy());
      const error = await rejection(() => clientFor(server).patchEnvs("my-app", { encryptedEnv: ENCRYPTED }));
      assert.ok(error instanceof NetworkError);
      assert.equal(error.status, undefined);
      assert.equal(error.code, "ECONNRESET");
      assert.match(error.message, /may have reached the server/);
      assert.equal(server.requests.length, 1);
    });

    it("not retried after a timeout waiting for the answer", async () => {
      server.handle(() => {
        /* never answers */
      });
      const error = await rejection(() =>
        clientFor(server, { timeoutMs: 150 }).patchEnvs("my-app", { encryptedEnv: ENCRYPTED }),
      );
      assert.ok(error instanceof NetworkError);
      assert.equal(error.timedOut, true);
      assert.match(error.message, /no answer within 150 ms/);
      assert.equal(server.requests.length, 1);
    });

    it("phase 2 waits at least 120 s for the answer (the API checks the receipt itself), phase 1 does not", async () => {
      const accepted = { status: "in_progress", message: "", correlation_id: "corr-slow" };
      server.handle((_req, res) => {
        setTimeout(() => json(res, 202, accepted), 400);
      });
      const client = clientFor(server, { timeoutMs: 150 });
      const phase1 = await rejection(() =>
        client.patchEnvs("my-app", { encryptedEnv: ENCRYPTED, envKeys: ["A"] }),
      );
      assert.ok(phase1 instanceof NetworkError && phase1.timedOut);
      const phase2 = await client.patchEnvs("my-app", {
        encryptedEnv: ENCRYPTED,
        envKeys: ["A"],
        composeHash: COMPOSE_HASH,
        transactionHash: TX,
      });
      assert.deepEqual(phase2, { kind: "accepted", correlationId: "corr-slow", message: "" });
    });

    it("a GET is retried on the same connection drop", async () => {
      server.handle((_req, _res, raw) => raw.socket.destroy());
      const error = await rejection(() => clientFor(server, { retry: { limit: 2 } }).getCvm("my-app"));
      assert.ok(error instanceof NetworkError);
      assert.equal(server.requests.length, 3);
      assert.match(error.message, /Gave up after 3 attempts/);
    });
  });
});
