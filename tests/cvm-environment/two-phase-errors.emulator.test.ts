import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createPublicClient, http } from "viem";
import type { SeededCvm } from "../../emulator";
import { type PatchEnvsBody, PhalaClient, type RetryPolicy } from "../../provider/api";
import { CvmEnvironmentError } from "../../provider/cvm-environment/errors";
import { DEFAULT_FLOW_LIMITS } from "../../provider/cvm-environment/plan";
import type { CvmEnvironmentApi } from "../../provider/cvm-environment/ports";
import { apiFor } from "../../provider/cvm-environment/session";
import { useEmulator } from "../support/fixtures";
import { apiWith, OneResourceStack, providerFor } from "./helpers/harness";

const PATCH_ENVS = "PATCH /cvms/{id}/envs";

/** Layout-C bodies (top-level `error_code`, `message`) of the API's 466, 467 and 468. */
const coded = (status: 466 | 467 | 468) =>
  ({
    466: { error_code: "ERR-01-006", message: "Compose hash invalid or expired" },
    467: { error_code: "ERR-01-007", message: "Transaction verification failed" },
    468: { error_code: "ERR-01-008", message: "Compose hash not allowed on-chain" },
  })[status];

describe("CvmEnvironment against the emulator: 466, 467, 468 and 409 in the two-phase flow", function () {
  this.timeout(180_000);
  const emu = useEmulator();
  let target: SeededCvm;

  before(() => {
    const found = emu.cvms.find((c) => c.name === "onchain-pubkey-demo");
    assert.ok(found);
    assert.equal(found.owner?.toLowerCase(), emu.appOwner.address.toLowerCase());
    target = found;
  });
  beforeEach(() => {
    emu.clearFaults();
    emu.resetRequests();
  });
  afterEach(() => {
    emu.clearFaults();
  });

  /** A value that must never show up in an error or a progress line. */
  const secret = () => `val-${randomBytes(12).toString("hex")}`;
  /** An env whose key set differs from the CVM's current one, so the update takes the on-chain path. */
  const newKeySet = (label: string) => ({
    env: { LOG_LEVEL: secret(), [`KEY_${label}_${randomBytes(4).toString("hex").toUpperCase()}`]: secret() },
  });
  const signerNonce = () =>
    createPublicClient({ transport: http(emu.chain.rpcUrl) }).getTransactionCount({
      address: emu.appOwner.address,
    });
  const patches = () => emu.requests().filter((r) => r.route === PATCH_ENVS);
  const patchStatuses = () => patches().map((r) => (r.faulted ? `${r.status}*` : String(r.status)));
  /**
   * Creates the resource through the production client (or one with a short retry policy) and
   * records the PATCH bodies the flow sends (after the client's own retries).
   */
  const upOnce = async (env: Record<string, string>, retry?: Partial<RetryPolicy>) => {
    const sent: PatchEnvsBody[] = [];
    const { provider, reports } = await providerFor(
      emu,
      {},
      {
        createApi: (settings, report) => {
          const client: CvmEnvironmentApi = retry
            ? new PhalaClient({
                apiKey: settings.apiKey ?? "",
                ...(settings.apiUrl ? { baseUrl: settings.apiUrl } : {}),
                retry,
                onRetry: (info) => report(`Retrying ${info.route} (${info.reason})`),
              })
            : apiFor(settings, report);
          return apiWith(client, {
            patchEnvs: (id, body) => {
              sent.push({ ...body });
              return client.patchEnvs(id, body);
            },
          });
        },
      },
    );
    const stack = new OneResourceStack(provider);
    const outcome = stack.up({ cvmId: target.id, env, adoptExistingEnv: true });
    return { stack, reports, sent, outcome };
  };
  const assertNoSecret = (text: string, env: Record<string, string>) => {
    for (const value of Object.values(env)) assert.equal(text.includes(value), false, `leaks ${value}`);
    assert.equal(text.includes(emu.appOwner.privateKey.slice(2)), false, "leaks the signer key");
  };

  it("467 on phase 2: retries phase 2 with the same transaction and completes; one transaction", async () => {
    const { env } = newKeySet("A");
    const nonce = await signerNonce();
    emu.injectFault({ route: PATCH_ENVS, skip: 1, status: 467, body: coded(467) });

    const { stack, reports, sent, outcome } = await upOnce(env);
    assert.equal(await outcome, "create");

    assert.equal(await signerNonce(), nonce + 1, "exactly one on-chain transaction");
    assert.deepEqual(patchStatuses(), ["465", "467*", "202"]);
    const [phase1, phase2, retried] = sent;
    assert.equal(sent.length, 3);
    assert.equal(phase1?.transactionHash, undefined);
    assert.match(String(phase2?.transactionHash), /^0x[0-9a-f]{64}$/);
    assert.deepEqual(retried, phase2, "the retry repeats phase 2: same hash, transaction and ciphertext");
    assert.equal(retried?.encryptedEnv, phase1?.encryptedEnv);
    assert.equal(stack.state?.outputs.registrationTransactionHash, phase2?.transactionHash);
    assert.ok(reports.some((line) => line.includes("HTTP 467")));
    await emu.waitForIdle(target.id);
    assert.deepEqual(emu.inspectCvm(target.id).env, env);
    assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, Object.keys(env).sort());
    assert.equal(stack.state?.outputs.composeHash, emu.inspectCvm(target.id).compose_hash);
    for (const line of reports) assertNoSecret(line, env);
  });

  it("466 on phase 2: starts over from phase 1 once, reuses the registration and completes", async () => {
    const { env } = newKeySet("B");
    const nonce = await signerNonce();
    emu.injectFault({ route: PATCH_ENVS, skip: 1, status: 466, body: coded(466) });

    const { stack, reports, sent, outcome } = await upOnce(env);
    assert.equal(await outcome, "create");

    assert.equal(await signerNonce(), nonce + 1, "the restart finds the hash already allowed");
    assert.deepEqual(patchStatuses(), ["465", "466*", "465", "202"]);
    assert.equal(sent.length, 4);
    assert.equal(sent[2]?.composeHash, undefined, "the restart is a plain phase 1");
    assert.equal(sent[2]?.transactionHash, undefined);
    assert.equal(sent[3]?.composeHash, sent[1]?.composeHash);
    assert.equal(sent[3]?.transactionHash, sent[1]?.transactionHash, "the earlier transaction is reused");
    assert.ok(reports.some((line) => line.includes("no new transaction sent")));
    await emu.waitForIdle(target.id);
    assert.deepEqual(emu.inspectCvm(target.id).env, env);
    assert.equal(stack.state?.outputs.composeHash, emu.inspectCvm(target.id).compose_hash);
    assert.match(String(stack.state?.outputs.registrationTransactionHash), /^0x[0-9a-f]{64}$/);
    for (const line of reports) assertNoSecret(line, env);
  });

  it("466 on both phase-2 attempts: a clear error without secrets; the CVM keeps its env", async () => {
    const before = emu.inspectCvm(target.id);
    const { env } = newKeySet("C");
    // PATCH 2 and PATCH 4 are the two phase-2 attempts.
    emu.injectFault({ route: PATCH_ENVS, skip: 1, status: 466, body: coded(466) });
    emu.injectFault({ route: PATCH_ENVS, skip: 3, status: 466, body: coded(466) });

    const { reports, outcome } = await upOnce(env);
    let message = "";
    await assert.rejects(outcome, (error: unknown) => {
      assert.ok(error instanceof CvmEnvironmentError, String(error));
      message = error.message;
      return true;
    });
    assert.match(message, /HTTP 466/);
    assert.match(message, /invalid or expired/);
    assert.match(message, /again after starting over/, "says it already started over");
    assert.match(message, /Compose hash invalid or expired/, "carries the server's message");
    assert.match(message, /run the update again|pulumi up/i, "says what to do");
    assertNoSecret(message, env);
    for (const line of reports) assertNoSecret(line, env);

    assert.deepEqual(patchStatuses(), ["465", "466*", "465", "466*"], "no third round");
    const after = emu.inspectCvm(target.id);
    assert.deepEqual(after.env, before.env);
    assert.deepEqual(after.allowed_envs, before.allowed_envs);
    assert.equal(after.compose_hash, before.compose_hash);
  });

  it("468 on phase 2: a clear error naming the compose hash and the contract; the CVM keeps its env", async () => {
    const before = emu.inspectCvm(target.id);
    const { env } = newKeySet("D");
    emu.injectFault({ route: PATCH_ENVS, skip: 1, status: 468, body: coded(468) });

    const { reports, sent, outcome } = await upOnce(env);
    let message = "";
    await assert.rejects(outcome, (error: unknown) => {
      assert.ok(error instanceof CvmEnvironmentError, String(error));
      message = error.message;
      return true;
    });
    const pending = emu.inspectCvm(target.id).pending_compose_hashes.at(-1)?.compose_hash;
    assert.ok(pending);
    assert.match(message, /HTTP 468/);
    assert.ok(message.includes(pending.replace(/^0x/, "")), `names compose hash ${pending}: ${message}`);
    assert.ok(
      message.toLowerCase().includes(String(target.app_contract).toLowerCase()),
      `names contract ${target.app_contract}: ${message}`,
    );
    const tx = sent[1]?.transactionHash;
    assert.ok(tx && message.includes(tx), `names registration transaction ${tx}: ${message}`);
    assert.match(message, /run the update again/, "says what to do");
    assertNoSecret(message, env);
    for (const line of reports) assertNoSecret(line, env);

    assert.deepEqual(patchStatuses(), ["465", "468*"], "468 is not retried");
    const after = emu.inspectCvm(target.id);
    assert.deepEqual(after.env, before.env);
    assert.deepEqual(after.allowed_envs, before.allowed_envs);
  });

  it("409 (no error_code) on phase 1: the flow alone retries, then the update completes", async () => {
    const { env } = newKeySet("E");
    const nonce = await signerNonce();
    // The client leaves a busy update to the flow: every 409 reaches it and it sends phase 1 again.
    emu.injectFault({ route: PATCH_ENVS, status: 409, times: 3 });
    const { stack, reports, sent, outcome } = await upOnce(env, {
      limit: 1,
      baseDelayMs: 20,
      maxDelayMs: 40,
    });
    assert.equal(await outcome, "create");

    assert.deepEqual(patchStatuses(), ["409*", "409*", "409*", "465", "202"]);
    assert.equal(sent.length, 5, "every request was sent by the flow: four phase-1 sends, then phase 2");
    assert.deepEqual(sent[3], sent[0]);
    assert.equal(
      reports.filter((line) => line.includes("another operation is running")).length,
      3,
      "the flow retried each 409",
    );
    assert.ok(!reports.some((line) => line.startsWith("Retrying PATCH")), "the client did not retry");
    assert.equal(await signerNonce(), nonce + 1);
    await emu.waitForIdle(target.id);
    assert.deepEqual(emu.inspectCvm(target.id).env, env);
    assert.equal(stack.state?.outputs.composeHash, emu.inspectCvm(target.id).compose_hash);
  });

  it("a permanent 409: as many requests as the flow's budget, and the error says how many and how long", async () => {
    const { env } = newKeySet("F");
    emu.injectFault({ route: PATCH_ENVS, status: 409, times: 1_000 });
    const { provider } = await providerFor(
      emu,
      {},
      { limits: { ...DEFAULT_FLOW_LIMITS, maxBusyRetries: 3, baseDelayMs: 20, maxDelayMs: 40 } },
    );
    const error = await new OneResourceStack(provider)
      .up({ cvmId: target.id, env, adoptExistingEnv: true })
      .then(
        () => assert.fail("a CVM that stays busy cannot be updated"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof Error);
    assert.equal(patches().length, 4, "1 + maxBusyRetries requests, no retries underneath");
    assert.match(error.message, /HTTP 409\) for each of 4 update requests, with 0 s of waiting between them/);
    assertNoSecret(error.message, env);
  });
});
