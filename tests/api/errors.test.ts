import assert from "node:assert/strict";
import {
  AuthError,
  BusyError,
  ComposeHashInvalidError,
  HashNotAllowedError,
  NotFoundError,
  PhalaApiError,
  RateLimitedError,
  ServerError,
  TxVerificationError,
  UnexpectedResponseError,
  ValidationError,
} from "../../provider/api";
import { json, startServer, type TestServer } from "../support/recording-server";
import { clientFor, rejection } from "./helpers/client";
import { cvmDetail20260121 } from "./helpers/fixtures";

type ErrorClass = abstract new (...args: never[]) => PhalaApiError;

describe("PhalaClient errors", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  const noRetry = () => clientFor(server, { retry: { limit: 0 } });

  const statusCases: [number, unknown, ErrorClass, RegExp][] = [
    [401, { detail: "Not authenticated" }, AuthError, /phala:apiKey|PHALA_CLOUD_API_KEY/],
    [403, { detail: "Forbidden" }, AuthError, /workspace/],
    [404, { detail: "CVM not found" }, NotFoundError, /identifier/],
    [409, { detail: "Another operation in progress" }, BusyError, /Wait until it finishes/],
    [429, { detail: "Too many requests" }, RateLimitedError, /Wait a moment/],
    [
      466,
      { error_code: "ERR-01-006", message: "Compose hash expired" },
      ComposeHashInvalidError,
      /fresh compose hash/,
    ],
    [
      467,
      { error_code: "ERR-01-007", message: "Tx check failed" },
      TxVerificationError,
      /same transaction hash/,
    ],
    [468, { error_code: "ERR-01-008", message: "Not allowed" }, HashNotAllowedError, /addComposeHash/],
    [500, { detail: "KMS configuration error" }, ServerError, /temporary/],
    [502, "<html>bad gateway</html>", ServerError, /temporary/],
    [400, { detail: "Invalid app id" }, PhalaApiError, /rejected the request/],
  ];

  for (const [status, body, ErrorType, advice] of statusCases) {
    it(`HTTP ${status} → ${ErrorType.name}`, async () => {
      server.handle((_req, res) => {
        if (typeof body === "string") {
          res.writeHead(status, { "content-type": "text/html" });
          res.end(body);
        } else json(res, status, body, { "x-request-id": "hdr-req-id" });
      });
      const error = await rejection(() => noRetry().getCvm("my-app"));
      assert.ok(error instanceof ErrorType, `got ${String(error)}`);
      assert.ok(error instanceof PhalaApiError);
      assert.equal(error.status, status);
      assert.equal(error.route, "GET /cvms/my-app");
      assert.match(error.message, advice);
      assert.match(error.message, new RegExp(`HTTP ${status}`));
      assert.ok(error.stack?.startsWith(`${ErrorType.name}:`), "the class name heads the stack");
      if (typeof body !== "string") assert.equal(error.requestId, "hdr-req-id");
      const serverText =
        typeof body === "string"
          ? undefined
          : ((body as { detail?: string; message?: string }).detail ??
            (body as { message?: string }).message);
      if (serverText !== undefined)
        assert.ok(error.message.includes(serverText), "the server's text is quoted");
      if (typeof body === "object" && body !== null && "error_code" in body)
        assert.equal(error.errorCode, body.error_code);
    });
  }

  it("layouts A, C and D of a 404 all give the message, C and D also code and request id", async () => {
    const bodies: [string, unknown][] = [
      ["A", { detail: "CVM not found" }],
      ["C", { error_code: "ERR-03-001", message: "CVM not found", request_id: "rid-c" }],
      ["D", { detail: { error_code: "ERR-03-001", message: "CVM not found", request_id: "rid-d" } }],
    ];
    for (const [layout, body] of bodies) {
      server.handle((_req, res) => json(res, 404, body));
      const error = await rejection(() => noRetry().getCvm("gone"));
      assert.ok(error instanceof NotFoundError, layout);
      assert.match(error.message, /CVM not found/, layout);
      if (layout !== "A") {
        assert.equal(error.errorCode, "ERR-03-001", layout);
        assert.equal(error.requestId, `rid-${layout.toLowerCase()}`, layout);
      }
    }
  });

  it("structured not-found codes are NotFoundError even under another status", async () => {
    server.handle((_req, res) =>
      json(res, 400, { error_code: "ERR-03-004", message: "CVM not in workspace" }),
    );
    const error = await rejection(() => noRetry().getCvm("x"));
    assert.ok(error instanceof NotFoundError);
  });

  it("layout E (legacy flat) message is read on errors too", async () => {
    server.handle((_req, res) => json(res, 466, { message: "Compose hash expired", compose_hash: "aa" }));
    const error = await rejection(() => noRetry().getCvm("x"));
    assert.ok(error instanceof ComposeHashInvalidError);
    assert.match(error.message, /Compose hash expired/);
  });

  it("layout B 422 → ValidationError with field paths, not the inputs", async () => {
    server.handle((_req, res) =>
      json(res, 422, {
        detail: [
          {
            loc: ["body", "encrypted_env"],
            msg: "Field required",
            type: "missing",
            input: { x: "INPUT-VALUE-1" },
          },
          {
            loc: ["body", "env_keys", 0],
            msg: "String should match pattern",
            type: "x",
            input: "INPUT-VALUE-2",
          },
        ],
      }),
    );
    const error = await rejection(() => noRetry().patchEnvs("my-app", { encryptedEnv: "ab".repeat(8) }));
    assert.ok(error instanceof ValidationError);
    assert.equal(error.status, 422);
    assert.deepEqual(error.fieldErrors, [
      { path: "encrypted_env", message: "Field required" },
      { path: "env_keys.0", message: "String should match pattern" },
    ]);
    assert.match(error.message, /encrypted_env: Field required/);
    assert.ok(!JSON.stringify(error).includes("INPUT-VALUE") && !error.message.includes("INPUT-VALUE"));
  });

  it("suggestions of a structured error are kept and shown", async () => {
    server.handle((_req, res) =>
      json(res, 468, {
        error_code: "ERR-01-008",
        message: "Hash not allowed",
        suggestions: ["Call addComposeHash first"],
      }),
    );
    const error = await rejection(() => noRetry().getCvm("x"));
    assert.ok(error instanceof HashNotAllowedError);
    assert.deepEqual(error.suggestions, ["Call addComposeHash first"]);
    assert.match(error.message, /Suggestion: Call addComposeHash first/);
  });

  it("429 and 409 carry the server's Retry-After when retries are exhausted", async () => {
    server.handle((_req, res) => json(res, 429, { detail: "slow down" }, { "retry-after": "600" }));
    const limited = await rejection(() => noRetry().getCvm("x"));
    assert.ok(limited instanceof RateLimitedError);
    assert.equal(limited.retryAfterMs, 600_000);
    assert.match(limited.message, /wait 600 s/);

    server.handle((_req, res) => json(res, 409, { detail: "busy" }, { "retry-after": "2" }));
    const busy = await rejection(() => noRetry().getCvm("x"));
    assert.ok(busy instanceof BusyError);
    assert.equal(busy.retryAfterMs, 2_000);
  });

  describe("unexpected responses", () => {
    it("names the endpoint and the field, never the value", async () => {
      server.handle((_req, res) =>
        json(res, 200, {
          ...cvmDetail20260121,
          kms_info: { chain_id: "VALUE-OF-CHAIN-ID" },
          status: 12345678,
        }),
      );
      const error = await rejection(() => noRetry().getCvm("my-app"));
      assert.ok(error instanceof UnexpectedResponseError);
      assert.equal(error.route, "GET /cvms/my-app");
      assert.deepEqual(error.issues.map((i) => i.path).sort(), ["kms_info.chain_id", "status"]);
      assert.match(error.message, /GET \/cvms\/my-app/);
      assert.match(error.message, /kms_info\.chain_id: expected number/);
      for (const text of [error.message, error.stack ?? "", JSON.stringify(error)]) {
        assert.ok(!text.includes("VALUE-OF-CHAIN-ID") && !text.includes("12345678"));
      }
    });

    it("a missing required field", async () => {
      server.handle((_req, res) => json(res, 200, { items: [{ correlation_id: "c", status: "completed" }] }));
      const error = await rejection(() => noRetry().listOperations("x"));
      assert.ok(error instanceof UnexpectedResponseError);
      assert.deepEqual(
        error.issues.map((i) => i.path),
        ["items.0.operation_type"],
      );
    });

    it("a body that is not JSON", async () => {
      server.handle((_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html>login</html>");
      });
      const error = await rejection(() => noRetry().getKms("k"));
      assert.ok(error instanceof UnexpectedResponseError);
      assert.match(error.message, /GET \/kms\/k: \(root\): body is not JSON/);
    });

    it("an enum-like mismatch does not echo what was received", async () => {
      server.handle((_req, res) =>
        json(res, 200, { public_key: ["SECRETISH-ARRAY"], signature: "aa", extra: 1 }),
      );
      const error = await rejection(() => noRetry().getAppEnvEncryptPubkey("base", "a".repeat(40)));
      assert.ok(error instanceof UnexpectedResponseError);
      assert.ok(!error.message.includes("SECRETISH"));
      assert.deepEqual(
        error.issues.map((i) => i.path),
        ["public_key"],
      );
    });

    it("a 2xx PATCH answer without correlation id", async () => {
      server.handle((_req, res) => json(res, 200, { status: "no_change" }));
      const error = await rejection(() => noRetry().patchEnvs("x", { encryptedEnv: "abcdef0123" }));
      assert.ok(error instanceof UnexpectedResponseError);
      assert.equal(error.status, 200);
      assert.match(error.message, /PATCH \/cvms\/x\/envs/);
    });
  });
});
