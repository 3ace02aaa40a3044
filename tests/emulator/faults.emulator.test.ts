import assert from "node:assert/strict";
import { request } from "node:http";
import { createClient } from "@phala/cloud";
import { FaultRegistry } from "../../emulator/faults";
import { useEmulator } from "../support/fixtures";
import { api, encryptFor, inspectHttp, seed } from "./helpers";

type Body = Record<string, unknown>;

describe("emulator: fault injection, request log and the inspection API", () => {
  const emulator = useEmulator();
  let cvmId: string;

  before(() => {
    cvmId = seed(emulator, "phala-env-demo").id;
  });
  beforeEach(() => {
    emulator.clearFaults();
    emulator.resetRequests();
  });

  it("status for the next N calls of one route, with Retry-After and a chosen body", async () => {
    emulator.injectFault({ route: "GET /cvms/{id}", status: 503, times: 2, retryAfter: 3 });
    for (let i = 0; i < 2; i++) {
      const res = await api(emulator, "GET", `/cvms/${cvmId}`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("retry-after"), "3");
      assert.equal(typeof (res.body as Body).detail, "string");
    }
    // Other routes are unaffected, and the third call succeeds.
    assert.equal((await api(emulator, "GET", `/cvms/${cvmId}/compose_file`)).status, 200);
    assert.equal((await api(emulator, "GET", `/cvms/${cvmId}`)).status, 200);
    assert.deepEqual(emulator.requestCounts(), { "GET /cvms/{id}": 3, "GET /cvms/{id}/compose_file": 1 });
    assert.equal(emulator.faults().length, 0);

    emulator.injectFault({
      route: "PATCH /cvms/{id}/envs",
      status: 429,
      body: { detail: "slow down" },
      retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT",
    });
    const limited = await api(emulator, "PATCH", `/cvms/${cvmId}/envs`, { body: { encrypted_env: "aa" } });
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, { detail: "slow down" });
    assert.equal(limited.headers.get("retry-after"), "Wed, 21 Oct 2026 07:28:00 GMT");
    assert.equal(emulator.inspectCvm(cvmId).operations.length, 0, "the handler did not run");
  });

  it("a fault with times=null persists until cleared; '*' matches every API route", async () => {
    emulator.injectFault({ route: "*", status: 500, times: null });
    for (const path of [`/cvms/${cvmId}`, "/kms", "/kms/phala/next_app_id"]) {
      assert.equal((await api(emulator, "GET", path)).status, 500, path);
    }
    emulator.clearFaults();
    assert.equal((await api(emulator, "GET", "/kms")).status, 200);
  });

  it("the official SDK sees injected errors as typed errors", async () => {
    const sdk = createClient({ apiKey: emulator.apiKey, baseURL: emulator.apiUrl });
    emulator.injectFault({ route: "GET /kms/{kms_id}", status: 502, times: 2 });
    // ofetch retries a GET once on 502; both attempts are faulted.
    await assert.rejects(
      sdk.getKmsInfo({ kms_id: "kms-phala-prod7" }),
      (e: { status?: number }) => e.status === 502,
    );
    assert.equal(emulator.requestCounts()["GET /kms/{kms_id}"], 2);
  });

  it("a dropped connection: the socket is destroyed without a response", async () => {
    emulator.injectFault({ route: "GET /cvms/{id}", drop: true });
    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        `${emulator.apiUrl}/cvms/${cvmId}`,
        { headers: { "x-api-key": emulator.apiKey } },
        (res) => resolve(`response ${res.statusCode}`),
      );
      req.on("error", (e: NodeJS.ErrnoException) => resolve(`error ${e.code ?? e.message}`));
      req.end();
    });
    assert.match(outcome, /^error (ECONNRESET|socket hang up)/);
    assert.equal(emulator.requests().at(-1)?.status, "dropped");
    assert.equal((await api(emulator, "GET", `/cvms/${cvmId}`)).status, 200);
  });

  it("a delay, then the real handler (or the injected status)", async () => {
    emulator.injectFault({ route: "GET /kms", delayMs: 300 });
    let started = Date.now();
    const res = await api(emulator, "GET", "/kms");
    assert.ok(Date.now() - started >= 280, "answer was delayed");
    assert.equal(res.status, 200);
    assert.equal((res.body as { total: number }).total, 25);
    emulator.injectFault({ route: "GET /kms", delayMs: 200, status: 504 });
    started = Date.now();
    assert.equal((await api(emulator, "GET", "/kms")).status, 504);
    assert.ok(Date.now() - started >= 180);
  });

  it("skip: lets that many matching calls run first, then applies", async () => {
    emulator.injectFault({ route: "GET /cvms/{id}", status: 503, skip: 2, times: 2 });
    assert.equal(emulator.faults()[0]?.skipRemaining, 2);
    // Calls to other routes do not count.
    assert.equal((await api(emulator, "GET", "/kms")).status, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(emulator, "GET", `/cvms/${cvmId}`)).status);
    assert.deepEqual(statuses, [200, 200, 503, 503, 200]);
    assert.deepEqual(
      emulator
        .requests()
        .filter((r) => r.route === "GET /cvms/{id}")
        .map((r) => r.faulted),
      [false, false, true, true, false],
    );
    assert.equal(emulator.faults().length, 0);
  });

  it("skip counts every matching call, also one another fault answered", () => {
    const registry = new FaultRegistry();
    const second = registry.add({ route: "PATCH /cvms/{id}/envs", status: 467, skip: 1 });
    const fourth = registry.add({ route: "PATCH /cvms/{id}/envs", status: 466, skip: 3 });
    const forever = registry.add({ route: "GET /kms", status: 500, skip: 1, times: null });
    const taken = (route: string) => {
      const action = registry.take(route);
      return action.kind === "apply" ? action.fault.id : undefined;
    };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => taken("PATCH /cvms/{id}/envs")),
      [undefined, second.id, undefined, fourth.id, undefined],
    );
    assert.deepEqual(
      [1, 2, 3].map(() => taken("GET /kms")),
      [undefined, forever.id, forever.id],
    );
    assert.equal(forever.hits, 2);
    assert.deepEqual(
      registry.list().map((f) => f.id),
      [forever.id],
    );
    assert.throws(() => registry.add({ route: "*", status: 500, skip: -1 }), /skip/);
    assert.throws(() => registry.add({ route: "*", status: 500, skip: 0.5 }), /skip/);
    assert.equal(registry.add({ route: "*", status: 500, skip: 0 }).skipRemaining, 0);
  });

  it("skip over the inspection API: shown while pending, non-negative integers only", async () => {
    const added = await inspectHttp(emulator, "POST", "/faults", {
      route: "PATCH /cvms/{id}/envs",
      status: 467,
      body: { error_code: "ERR-01-007", message: "Transaction verification failed" },
      skip: 1,
    });
    assert.equal(added.status, 201);
    assert.equal((added.body as Body).skipRemaining, 1);
    const first = await api(emulator, "PATCH", `/cvms/${cvmId}/envs`, { body: { encrypted_env: "zz" } });
    assert.equal(first.status, 422, "the first call reaches the handler");
    const listed = (await inspectHttp(emulator, "GET", "/faults")).body as Body[];
    assert.deepEqual(
      listed.map((f) => [f.skipRemaining, f.remaining]),
      [[0, 1]],
    );
    const second = await api(emulator, "PATCH", `/cvms/${cvmId}/envs`, { body: { encrypted_env: "zz" } });
    assert.equal(second.status, 467);
    assert.deepEqual(second.body, { error_code: "ERR-01-007", message: "Transaction verification failed" });

    for (const skip of [-1, 1.5, "1", null]) {
      const bad = await inspectHttp(emulator, "POST", "/faults", { route: "GET /kms", status: 500, skip });
      assert.equal(bad.status, 422, JSON.stringify(skip));
      const loc = ((bad.body as { detail: { loc: unknown[] }[] }).detail[0]?.loc ?? []).join(".");
      assert.equal(loc, "body.skip");
    }
    assert.deepEqual(emulator.faults(), []);
    assert.throws(() => emulator.injectFault({ route: "GET /kms", status: 500, skip: -2 }));
  });

  it("rejects malformed fault specs", () => {
    assert.throws(() => emulator.injectFault({ route: "GET /kms" }), /status, drop or delayMs/);
    assert.throws(() => emulator.injectFault({ route: "GET /kms", status: 42 }));
    assert.throws(() => emulator.injectFault({ route: "GET /kms", status: 500, times: 0 }));
  });

  it("the inspection HTTP API: no key needed; state, drift, request log, faults, settings", async () => {
    // Summary and CVM state.
    const summary = await inspectHttp(emulator, "GET", "");
    assert.equal(summary.status, 200);
    assert.equal((summary.body as { cvms: unknown[] }).cvms.length, emulator.cvms.length);
    const one = await inspectHttp(emulator, "GET", `/cvms/${seed(emulator, "phala-env-demo").name}`);
    assert.equal(one.status, 200);
    assert.deepEqual((one.body as Body).env, { LOG_LEVEL: "info" });
    assert.equal((await inspectHttp(emulator, "GET", "/cvms/nope")).status, 404);

    // Drift: allowed_envs changed behind the client's back.
    const before = (await api(emulator, "GET", `/cvms/${cvmId}/compose_file`)).body as Body;
    const hashBefore = ((await api(emulator, "GET", `/cvms/${cvmId}`)).body as Body).compose_hash;
    const drift = await inspectHttp(emulator, "PUT", `/cvms/${cvmId}/allowed_envs`, {
      allowed_envs: ["NEW_KEY", "LOG_LEVEL"],
    });
    assert.equal(drift.status, 200);
    const after = (await api(emulator, "GET", `/cvms/${cvmId}/compose_file`)).body as Body;
    assert.deepEqual(after.allowed_envs, ["LOG_LEVEL", "NEW_KEY"]);
    assert.notEqual((drift.body as Body).compose_hash, hashBefore);
    const detail = (await api(emulator, "GET", `/cvms/${cvmId}`)).body as Body;
    assert.equal(detail.compose_hash, (drift.body as Body).compose_hash);
    assert.notDeepEqual(before.allowed_envs, after.allowed_envs);
    await emulator.setAllowedEnvs(cvmId, ["LOG_LEVEL"]);

    // Request log over HTTP, then reset. Inspection calls are not logged.
    const log = await inspectHttp(emulator, "GET", "/requests");
    const counts = (log.body as { counts: Record<string, number> }).counts;
    assert.equal(counts["GET /cvms/{id}/compose_file"], 2);
    assert.equal(counts["GET /cvms/{id}"], 2);
    assert.equal(
      Object.keys(counts).some((k) => k.includes("_emulator")),
      false,
    );
    await inspectHttp(emulator, "DELETE", "/requests");
    assert.deepEqual(emulator.requestCounts(), {});

    // Faults over HTTP.
    const added = await inspectHttp(emulator, "POST", "/faults", {
      route: "GET /kms",
      status: 418,
      times: 1,
    });
    assert.equal(added.status, 201);
    const listed = (await inspectHttp(emulator, "GET", "/faults")).body as {
      route: string;
      remaining: number;
    }[];
    assert.deepEqual(
      listed.map((f) => [f.route, f.remaining]),
      [["GET /kms", 1]],
    );
    assert.equal((await api(emulator, "GET", "/kms")).status, 418);
    const bad = await inspectHttp(emulator, "POST", "/faults", { route: "GET /kms", status: "x" });
    assert.equal(bad.status, 422);
    const persistent = await inspectHttp(emulator, "POST", "/faults", {
      route: "GET /kms",
      status: 500,
      times: null,
    });
    await inspectHttp(emulator, "DELETE", `/faults/${(persistent.body as { id: number }).id}`);
    assert.equal((await api(emulator, "GET", "/kms")).status, 200);

    // Settings: layout, operation duration, failing next operation.
    const settings = await inspectHttp(emulator, "PATCH", "/settings", {
      errorLayout: "D",
      operationDurationMs: 50,
    });
    assert.equal((settings.body as Body).errorLayout, "D");
    assert.equal(emulator.settings().operationDurationMs, 50);
    assert.equal((await inspectHttp(emulator, "PATCH", "/settings", { errorLayout: "Z" })).status, 422);
    await inspectHttp(emulator, "PATCH", "/settings", { errorLayout: "C", operationDurationMs: 100 });
    await inspectHttp(emulator, "POST", "/operations/fail-next", { message: "disk full" });
    await api(emulator, "PATCH", `/cvms/${cvmId}/envs`, {
      body: { encrypted_env: encryptFor(emulator, cvmId, { LOG_LEVEL: "x" }) },
    });
    const done = await emulator.waitForIdle(cvmId);
    assert.equal(done.operations[0]?.status, "failed");
    assert.equal(done.operations[0]?.error_message, "disk full");

    // A CVM created over HTTP.
    const created = await inspectHttp(emulator, "POST", "/cvms", {
      name: "http-created-app",
      kms: "onchain",
      exposeEnvPubkey: true,
    });
    assert.equal(created.status, 201);
    const info = (await api(emulator, "GET", "/cvms/http-created-app")).body as {
      kms_info: Body;
      app_id: string;
    };
    assert.equal(info.kms_info.chain_id, 31337);
    assert.equal(String(info.kms_info.dstack_app_address).toLowerCase(), `0x${info.app_id}`);
    assert.equal(
      (await inspectHttp(emulator, "POST", "/cvms", { name: "http-created-app", kms: "phala" })).status,
      400,
    );
  });
});
