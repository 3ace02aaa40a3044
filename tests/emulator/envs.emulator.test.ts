import assert from "node:assert/strict";
import { createClient } from "@phala/cloud";
import { encodeFunctionData } from "viem";
import { dstackAppAbi } from "../../emulator/chain/dstack-contracts";
import { encryptEnv, randomX25519SecretKey, x25519PublicKey } from "../../provider/crypto";
import { useEmulator } from "../support/fixtures";
import {
  api,
  deployForwarder,
  detailsOf,
  encryptFor,
  forwardCall,
  forwarderAbi,
  outsider,
  registeredHashes,
  sendAddComposeHash,
  sendCall,
} from "./helpers";

type Body = Record<string, unknown>;

// PATCH /cvms/{id}/envs: the two-phase flow verified on anvil, its failure modes, busy CVMs, guest rules.
describe("emulator: PATCH /cvms/{id}/envs", () => {
  const emulator = useEmulator({ seeds: [] });
  let counter = 0;
  afterEach(() => {
    emulator.clearFaults();
    emulator.updateSettings({
      errorLayout: "C",
      hexPrefix: false,
      phalaTwoPhase: false,
      failNextOperation: null,
    });
  });

  /** A fresh CVM per test, so tests do not depend on each other. */
  async function freshCvm(kms: "phala" | "onchain", owner?: `0x${string}`) {
    counter++;
    return emulator.createCvm({
      name: `test-${kms}-${counter}`,
      kms,
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "info" },
      ...(owner ? { owner } : {}),
    });
  }

  async function phase1(cvmId: string, env: Record<string, string>, keys: string[]) {
    const encrypted_env = encryptFor(emulator, cvmId, env);
    const res = await api(emulator, "PATCH", `/cvms/${cvmId}/envs`, {
      body: { encrypted_env, env_keys: keys },
    });
    assert.equal(res.status, 465, JSON.stringify(res.body));
    const details = detailsOf(res.body);
    return { encrypted_env, composeHash: details.compose_hash as string, body: res.body as Body };
  }

  /** Phase 2 of `phase1`'s request, with a transaction hash (or none). */
  const phase2For =
    (cvmId: string, p1: { encrypted_env: string; composeHash: string }, keys: string[]) =>
    (transaction_hash: string | undefined) =>
      api(emulator, "PATCH", `/cvms/${cvmId}/envs`, {
        body: {
          encrypted_env: p1.encrypted_env,
          env_keys: keys,
          compose_hash: p1.composeHash,
          transaction_hash,
        },
      });

  it("465 (layout C) carries compose_hash, app_id, device_id and a seven-key kms_info", async () => {
    const cvm = await freshCvm("onchain");
    const { body, composeHash } = await phase1(cvm.id, { LOG_LEVEL: "x", API_KEY: "y" }, [
      "LOG_LEVEL",
      "API_KEY",
    ]);
    assert.equal(body.error_code, "ERR-01-005");
    assert.equal(typeof body.message, "string");
    assert.match(String(body.request_id), /^req_/);
    const d = detailsOf(body);
    assert.match(composeHash, /^[0-9a-f]{64}$/);
    assert.equal(d.app_id, cvm.app_id);
    assert.match(String(d.device_id), /^[0-9a-f]{64}$/);
    const kmsInfo = d.kms_info as Body;
    for (const key of [
      "id",
      "slug",
      "url",
      "version",
      "chain_id",
      "kms_contract_address",
      "gateway_app_id",
    ]) {
      assert.ok(key in kmsInfo, key);
    }
    assert.equal(kmsInfo.chain_id, 31337);
    // Nothing changed yet, and the CVM is not busy.
    const after = emulator.inspectCvm(cvm.id);
    assert.deepEqual(after.allowed_envs, ["LOG_LEVEL"]);
    assert.equal(after.in_progress, false);
    assert.deepEqual(after.env, { LOG_LEVEL: "info" });
    assert.equal(after.pending_compose_hashes[0]?.compose_hash, composeHash);
  });

  it("phase 2 with a valid transaction: 202, then the env and allowed_envs are applied", async () => {
    const cvm = await freshCvm("onchain");
    assert.ok(cvm.onchain);
    const p1 = await phase1(cvm.id, { LOG_LEVEL: "x", API_KEY: "y" }, ["LOG_LEVEL", "API_KEY"]);
    const receipt = await sendAddComposeHash(
      emulator,
      cvm.onchain.app_contract as `0x${string}`,
      p1.composeHash,
      emulator.appOwner.privateKey,
    );
    const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: {
        encrypted_env: p1.encrypted_env,
        env_keys: ["LOG_LEVEL", "API_KEY"],
        compose_hash: p1.composeHash,
        transaction_hash: receipt.transactionHash,
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal((res.body as Body).allowed_envs_changed, true);
    const done = await emulator.waitForIdle(cvm.id);
    assert.deepEqual(done.env, { API_KEY: "y", LOG_LEVEL: "x" });
    assert.equal(done.compose_hash, p1.composeHash);
    assert.equal(done.pending_compose_hashes.length, 0);
    // The hash was consumed: the same phase 2 again is now a no-op key set → 202 without change.
    const again = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env: p1.encrypted_env, env_keys: ["API_KEY", "LOG_LEVEL"] },
    });
    assert.equal(again.status, 202);
    assert.equal((again.body as Body).allowed_envs_changed, false);
    await emulator.waitForIdle(cvm.id);
  });

  it("467 when the transaction does not prove the registration", async () => {
    const cvm = await freshCvm("onchain");
    assert.ok(cvm.onchain);
    const contract = cvm.onchain.app_contract as `0x${string}`;
    const keys = ["LOG_LEVEL", "DB_URL"];
    const p1 = await phase1(cvm.id, { DB_URL: "d" }, keys);
    const phase2 = phase2For(cvm.id, p1, keys);
    // A hash of no transaction.
    let res = await phase2(`0x${"12".repeat(32)}`);
    assert.equal(res.status, 467);
    assert.equal((res.body as Body).error_code, "ERR-01-007");
    // Not a hash at all.
    res = await phase2("0xnot-a-hash");
    assert.equal(res.status, 467);
    // No transaction hash.
    res = await phase2(undefined);
    assert.equal(res.status, 467);
    // Registered properly, but the transaction given registers a different hash on the same contract.
    await sendAddComposeHash(emulator, contract, p1.composeHash, emulator.appOwner.privateKey);
    const other = await sendAddComposeHash(emulator, contract, "ee".repeat(32), emulator.appOwner.privateKey);
    res = await phase2(other.transactionHash);
    assert.equal(res.status, 467);
    assert.match(String((res.body as Body).message), /ComposeHashAdded/);
    // A reverted transaction to the contract (non-owner, explicit gas so it is mined).
    const reverted = await sendAddComposeHash(emulator, contract, p1.composeHash, outsider(emulator), {
      gas: 100_000n,
    });
    assert.equal(reverted.status, "reverted");
    res = await phase2(reverted.transactionHash);
    assert.equal(res.status, 467);
    assert.match(String((res.body as Body).message), /reverted/);
    // A successful transaction to another contract.
    const elsewhere = await emulator.createCvm({ name: `test-elsewhere-${++counter}`, kms: "onchain" });
    assert.ok(elsewhere.onchain);
    const foreign = await sendAddComposeHash(
      emulator,
      elsewhere.onchain.app_contract as `0x${string}`,
      p1.composeHash,
      emulator.appOwner.privateKey,
    );
    res = await phase2(foreign.transactionHash);
    assert.equal(res.status, 467);
    assert.match(String((res.body as Body).message), /did not target the expected DstackApp contract/);
    // Nothing was applied, and the hash is still usable with the right transaction.
    assert.deepEqual(emulator.inspectCvm(cvm.id).allowed_envs, ["LOG_LEVEL"]);
    const right = await sendAddComposeHash(emulator, contract, p1.composeHash, emulator.appOwner.privateKey);
    res = await phase2(right.transactionHash);
    assert.equal(res.status, 202);
    await emulator.waitForIdle(cvm.id);
  });

  it("467 for the DstackKms factory transaction, although it registered exactly the requested hash", async () => {
    const cvm = await freshCvm("onchain");
    assert.ok(cvm.onchain);
    const factory = cvm.onchain.factory_transaction;
    // Back to the creation-time compose: the phase-1 hash is the one deployAndRegisterApp registered.
    await emulator.setAllowedEnvs(cvm.id, []);
    const p1 = await phase1(cvm.id, { LOG_LEVEL: "x" }, ["LOG_LEVEL"]);
    assert.equal(`0x${p1.composeHash}`, (await registeredHashes(emulator, factory))[0]);
    const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: {
        encrypted_env: p1.encrypted_env,
        env_keys: ["LOG_LEVEL"],
        compose_hash: p1.composeHash,
        transaction_hash: factory,
      },
    });
    assert.equal(res.status, 467);
    assert.equal((res.body as Body).error_code, "ERR-01-007");
    assert.match(String((res.body as Body).message), /did not target the expected DstackApp contract/);
    assert.deepEqual(emulator.inspectCvm(cvm.id).allowed_envs, []);
  });

  it("accepts a registration executed by the app's owner contract; a transaction to another contract is 467", async function () {
    this.timeout(60_000);
    const cvm = await freshCvm("onchain");
    assert.ok(cvm.onchain);
    const app = cvm.onchain.app_contract as `0x${string}`;
    const owner = emulator.appOwner.privateKey;
    const forwarder = await deployForwarder(emulator, owner);
    const stranger = await deployForwarder(emulator, owner);
    // Ownable2Step: the owner proposes the forwarder, the forwarder accepts.
    await sendCall(
      emulator,
      owner,
      app,
      encodeFunctionData({ abi: dstackAppAbi, functionName: "transferOwnership", args: [forwarder] }),
    );
    await forwardCall(
      emulator,
      owner,
      forwarder,
      app,
      encodeFunctionData({ abi: dstackAppAbi, functionName: "acceptOwnership" }),
    );
    const keys = ["LOG_LEVEL", "VIA_SAFE"];
    const p1 = await phase1(cvm.id, { VIA_SAFE: "1" }, keys);
    const add = encodeFunctionData({
      abi: dstackAppAbi,
      functionName: "addComposeHash",
      args: [`0x${p1.composeHash}`],
    });
    const phase2 = phase2For(cvm.id, p1, keys);
    // The owner contract's registration is not reachable through another contract that is not the owner.
    const viaStranger = await forwardCall(
      emulator,
      owner,
      stranger,
      forwarder,
      encodeFunctionData({ abi: forwarderAbi, functionName: "exec", args: [app, add] }),
    );
    assert.equal(viaStranger.status, "success");
    let res = await phase2(viaStranger.transactionHash);
    assert.equal(res.status, 467, JSON.stringify(res.body));
    const viaOwner = await forwardCall(emulator, owner, forwarder, app, add);
    res = await phase2(viaOwner.transactionHash);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await emulator.waitForIdle(cvm.id);
    assert.deepEqual(emulator.inspectCvm(cvm.id).allowed_envs, keys.sort());
  });

  it("a device the app does not allow: the API accepts the update, the KMS refuses the boot until addDevice", async () => {
    const cvm = await emulator.createCvm({
      name: `test-device-${++counter}`,
      kms: "onchain",
      allowedEnvs: ["LOG_LEVEL"],
      deviceAllowed: false,
    });
    assert.ok(cvm.onchain);
    const app = cvm.onchain.app_contract as `0x${string}`;
    const update = async (value: string) => {
      const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: { encrypted_env: encryptFor(emulator, cvm.id, { LOG_LEVEL: value }), env_keys: ["LOG_LEVEL"] },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return (await emulator.waitForIdle(cvm.id)).operations[0];
    };
    const refused = await update("debug");
    assert.equal(refused?.status, "failed");
    assert.match(String(refused?.error_message), /KMS refused to release the app keys: Device not allowed/);
    assert.deepEqual(emulator.inspectCvm(cvm.id).env, {});
    // The 465 names the device; the owner allows it on the app, and the next boot goes through.
    const p1 = await phase1(cvm.id, { LOG_LEVEL: "x" }, ["LOG_LEVEL", "NEW"]);
    const device = detailsOf(p1.body).device_id as string;
    await sendCall(
      emulator,
      emulator.appOwner.privateKey,
      app,
      encodeFunctionData({ abi: dstackAppAbi, functionName: "addDevice", args: [`0x${device}`] }),
    );
    const applied = await update("info");
    assert.equal(applied?.status, "completed", String(applied?.error_message));
    assert.deepEqual(emulator.inspectCvm(cvm.id).env, { LOG_LEVEL: "info" });
  });

  it("468 when the contract does not allow the hash (never registered, or removed again)", async () => {
    const cvm = await freshCvm("onchain");
    assert.ok(cvm.onchain);
    const contract = cvm.onchain.app_contract as `0x${string}`;
    const keys = ["LOG_LEVEL", "SECRET"];
    const p1 = await phase1(cvm.id, { SECRET: "s" }, keys);
    const phase2 = phase2For(cvm.id, p1, keys);
    // A real transaction to the app contract, but the requested hash was never registered.
    const unrelated = await sendAddComposeHash(
      emulator,
      contract,
      "ab".repeat(32),
      emulator.appOwner.privateKey,
    );
    let res = await phase2(unrelated.transactionHash);
    assert.equal(res.status, 468);
    assert.equal((res.body as Body).error_code, "ERR-01-008");
    // Registered, then removed: the contract has the last word.
    const added = await sendAddComposeHash(emulator, contract, p1.composeHash, emulator.appOwner.privateKey);
    await sendAddComposeHash(emulator, contract, p1.composeHash, emulator.appOwner.privateKey, {
      fn: "removeComposeHash",
    });
    res = await phase2(added.transactionHash);
    assert.equal(res.status, 468);
    assert.deepEqual(emulator.inspectCvm(cvm.id).allowed_envs, ["LOG_LEVEL"]);
  });

  it("466 for an unknown, superseded, expired or mismatching compose hash", async () => {
    const cvm = await freshCvm("onchain");
    assert.ok(cvm.onchain);
    const contract = cvm.onchain.app_contract as `0x${string}`;
    const first = await phase1(cvm.id, { A: "1" }, ["LOG_LEVEL", "A"]);
    const tx = await sendAddComposeHash(emulator, contract, first.composeHash, emulator.appOwner.privateKey);
    const phase2 = (keys: string[], composeHash: string) =>
      api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: {
          encrypted_env: first.encrypted_env,
          env_keys: keys,
          compose_hash: composeHash,
          transaction_hash: tx.transactionHash,
        },
      });
    // Unknown hash.
    let res = await phase2(["LOG_LEVEL", "A"], "99".repeat(32));
    assert.equal(res.status, 466);
    assert.equal((res.body as Body).error_code, "ERR-01-006");
    // env_keys differ from phase 1 of that hash.
    res = await phase2(["LOG_LEVEL", "B"], first.composeHash);
    assert.equal(res.status, 466);
    // A newer phase 1 supersedes the first hash, even though the first is registered on-chain.
    const second = await phase1(cvm.id, { B: "2" }, ["LOG_LEVEL", "B"]);
    assert.notEqual(second.composeHash, first.composeHash);
    res = await phase2(["LOG_LEVEL", "A"], first.composeHash);
    assert.equal(res.status, 466);
    assert.match(String((res.body as Body).message), /superseded/);
    // Expired: the TTL (14 days) passes.
    const third = await phase1(cvm.id, { C: "3" }, ["LOG_LEVEL", "C"]);
    const tx3 = await sendAddComposeHash(emulator, contract, third.composeHash, emulator.appOwner.privateKey);
    emulator.advanceClock(14 * 24 * 3600 * 1000 + 1000);
    res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: {
        encrypted_env: third.encrypted_env,
        env_keys: ["LOG_LEVEL", "C"],
        compose_hash: third.composeHash,
        transaction_hash: tx3.transactionHash,
      },
    });
    assert.equal(res.status, 466);
    assert.match(String((res.body as Body).message), /expired/);
    assert.deepEqual(emulator.inspectCvm(cvm.id).allowed_envs, ["LOG_LEVEL"]);
  });

  it("a configurable TTL: a short one expires without moving the clock", async () => {
    emulator.updateSettings({ pendingTtlMs: 50 });
    try {
      const cvm = await freshCvm("onchain");
      assert.ok(cvm.onchain);
      const p1 = await phase1(cvm.id, { A: "1" }, ["A"]);
      const tx = await sendAddComposeHash(
        emulator,
        cvm.onchain.app_contract as `0x${string}`,
        p1.composeHash,
        emulator.appOwner.privateKey,
      );
      await new Promise((r) => setTimeout(r, 80));
      const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: {
          encrypted_env: p1.encrypted_env,
          env_keys: ["A"],
          compose_hash: p1.composeHash,
          transaction_hash: tx.transactionHash,
        },
      });
      assert.equal(res.status, 466);
    } finally {
      emulator.updateSettings({ pendingTtlMs: 14 * 24 * 3600 * 1000 });
    }
  });

  it("409 while an operation runs; status passes running → restarting → running", async () => {
    emulator.setOperationDuration(400);
    try {
      const cvm = await freshCvm("phala");
      const encrypted_env = encryptFor(emulator, cvm.id, { LOG_LEVEL: "debug" });
      const first = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, { body: { encrypted_env } });
      assert.equal(first.status, 202);
      const correlationId = (first.body as Body).correlation_id;
      const second = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, { body: { encrypted_env } });
      assert.equal(second.status, 409);
      assert.equal(typeof (second.body as Body).detail, "string");
      const seen = new Set<string>();
      let detail = (await api(emulator, "GET", `/cvms/${cvm.id}`)).body as Body;
      assert.equal(detail.in_progress, true);
      assert.deepEqual(Object.keys(detail.progress as Body).sort(), [
        "correlation_id",
        "started_at",
        "target",
      ]);
      assert.equal((detail.progress as Body).correlation_id, correlationId);
      assert.equal((detail.progress as Body).target, "running");
      while (detail.in_progress) {
        seen.add(String(detail.status));
        await new Promise((r) => setTimeout(r, 20));
        detail = (await api(emulator, "GET", `/cvms/${cvm.id}`)).body as Body;
      }
      assert.ok(seen.has("restarting"), [...seen].join());
      assert.ok(seen.has("running"), "right after the 202 the CVM still reports running");
      assert.equal(detail.status, "running");
      assert.equal(detail.progress, null);
      const ops = await api(emulator, "GET", `/cvms/${cvm.id}/operations`);
      const item = (ops.body as { items: Body[]; total: number }).items[0];
      assert.equal(item?.correlation_id, correlationId);
      assert.equal(item?.status, "completed");
      assert.ok(typeof item?.duration_ms === "number" && item.duration_ms >= 300);
      assert.deepEqual(emulator.inspectCvm(cvm.id).env, { LOG_LEVEL: "debug" });
      // Now idle: accepted again.
      const third = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, { body: { encrypted_env } });
      assert.equal(third.status, 202);
      await emulator.waitForIdle(cvm.id);
    } finally {
      emulator.setOperationDuration(100);
    }
  });

  it("operations list is newest first with cursor paging", async () => {
    const cvm = await freshCvm("phala");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: { encrypted_env: encryptFor(emulator, cvm.id, { LOG_LEVEL: String(i) }) },
      });
      ids.push(String((res.body as Body).correlation_id));
      await emulator.waitForIdle(cvm.id);
    }
    const page1 = (await api(emulator, "GET", `/cvms/${cvm.id}/operations?limit=2`)).body as {
      items: Body[];
      next_cursor: string | null;
      total: number;
    };
    assert.equal(page1.total, 3);
    assert.deepEqual(
      page1.items.map((i) => i.correlation_id),
      [ids[2], ids[1]],
    );
    assert.ok(page1.next_cursor);
    const page2 = (
      await api(emulator, "GET", `/cvms/${cvm.id}/operations?limit=2&cursor=${page1.next_cursor}`)
    ).body as { items: Body[]; next_cursor: string | null };
    assert.deepEqual(
      page2.items.map((i) => i.correlation_id),
      [ids[0]],
    );
    assert.equal(page2.next_cursor, null);
  });

  it("guest rules: keys outside allowed_envs are dropped; invalid env fails the operation and keeps the old env", async () => {
    const cvm = await freshCvm("phala");
    // Dropped silently.
    let res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env: encryptFor(emulator, cvm.id, { LOG_LEVEL: "warn", EXTRA: "x" }) },
    });
    assert.equal(res.status, 202);
    let state = await emulator.waitForIdle(cvm.id);
    assert.deepEqual(state.env, { LOG_LEVEL: "warn" });
    assert.deepEqual([...state.received_env_keys].sort(), ["EXTRA", "LOG_LEVEL"]);
    assert.equal(state.operations[0]?.status, "completed");

    const failing: [string, string, RegExp][] = [
      [
        "bad key pattern",
        encryptFor(emulator, cvm.id, { "1BAD": "v", LOG_LEVEL: "e" }),
        /invalid environment variable name/,
      ],
      [
        "too many entries",
        encryptFor(
          emulator,
          cvm.id,
          Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`K${i}`, "v"])),
        ),
        /too many/,
      ],
      [
        "value too large",
        encryptFor(emulator, cvm.id, { LOG_LEVEL: "v".repeat(128 * 1024 + 1) }),
        /too large/,
      ],
      [
        "encrypted for another key",
        encryptEnv([{ key: "LOG_LEVEL", value: "x" }], x25519PublicKey(randomX25519SecretKey())),
        /decrypt/,
      ],
    ];
    for (const [what, encrypted_env, message] of failing) {
      res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: { encrypted_env, env_keys: ["LOG_LEVEL", "1BAD"] },
      });
      assert.equal(res.status, 202, what);
      state = await emulator.waitForIdle(cvm.id);
      const op = state.operations[0];
      assert.equal(op?.correlation_id, (res.body as Body).correlation_id, what);
      assert.equal(op?.status, "failed", what);
      assert.match(String(op?.error_message), message, what);
      assert.ok(!String(op?.error_message).includes("vvvv"), "error messages never carry values");
      assert.deepEqual(state.env, { LOG_LEVEL: "warn" }, what);
      assert.deepEqual(state.allowed_envs, ["LOG_LEVEL"], what);
      assert.equal(state.status, "running");
    }
    const ops = (await api(emulator, "GET", `/cvms/${cvm.id}/operations`)).body as { items: Body[] };
    assert.equal(ops.items[0]?.status, "failed");
    assert.equal(typeof ops.items[0]?.error_message, "string");

    // The injected failure switch fails exactly the next operation.
    emulator.failNextOperation("node out of capacity");
    res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env: encryptFor(emulator, cvm.id, { LOG_LEVEL: "ok" }) },
    });
    state = await emulator.waitForIdle(cvm.id);
    assert.equal(state.operations[0]?.error_message, "node out of capacity");
    assert.deepEqual(state.env, { LOG_LEVEL: "warn" });
    res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env: encryptFor(emulator, cvm.id, { LOG_LEVEL: "ok" }) },
    });
    state = await emulator.waitForIdle(cvm.id);
    assert.equal(state.operations[0]?.status, "completed");
    assert.deepEqual(state.env, { LOG_LEVEL: "ok" });
  });

  it("PHALA KMS: key change is single phase by default; the fault switch makes it 465 → compose_hash only", async () => {
    const cvm = await freshCvm("phala");
    let res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env: encryptFor(emulator, cvm.id, { A: "1" }), env_keys: ["A"] },
    });
    assert.equal(res.status, 202);
    assert.equal((res.body as Body).allowed_envs_changed, true);
    assert.deepEqual((await emulator.waitForIdle(cvm.id)).allowed_envs, ["A"]);

    emulator.updateSettings({ phalaTwoPhase: true });
    const encrypted_env = encryptFor(emulator, cvm.id, { A: "1", B: "2" });
    res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env, env_keys: ["A", "B"] },
    });
    assert.equal(res.status, 465);
    const d = detailsOf(res.body);
    assert.equal((d.kms_info as Body).chain_id, null);
    // The official SDK still maps it to precondition_required.
    const sdk = createClient({ apiKey: emulator.apiKey, baseURL: emulator.apiUrl });
    const viaSdk = await sdk.updateCvmEnvs({ id: cvm.id, encrypted_env, env_keys: ["A", "B"] });
    assert.equal(viaSdk.status, "precondition_required");
    res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env, env_keys: ["A", "B"], compose_hash: d.compose_hash },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual((await emulator.waitForIdle(cvm.id)).env, { A: "1", B: "2" });
  });

  it("465 layouts D (nested) and E (legacy flat), and 0x prefixes", async () => {
    const cvm = await freshCvm("onchain");
    const sdk = createClient({ apiKey: emulator.apiKey, baseURL: emulator.apiUrl });
    const encrypted_env = encryptFor(emulator, cvm.id, { A: "1" });

    emulator.updateSettings({ errorLayout: "D" });
    let res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env, env_keys: ["A"] },
    });
    assert.equal(res.status, 465);
    const nested = (res.body as { detail: Body }).detail;
    assert.equal(nested.error_code, "ERR-01-005");
    assert.match(String(detailsOf(nested).compose_hash), /^[0-9a-f]{64}$/);
    const d = await sdk.updateCvmEnvs({ id: cvm.id, encrypted_env, env_keys: ["A"] });
    assert.equal(d.status, "precondition_required", "SDK 0.2.9 accepts layout D");

    emulator.updateSettings({ errorLayout: "E", hexPrefix: true });
    res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, { body: { encrypted_env, env_keys: ["A"] } });
    assert.equal(res.status, 465);
    const flat = res.body as Body;
    assert.equal(flat.error_code, undefined);
    assert.match(String(flat.compose_hash), /^0x[0-9a-f]{64}$/);
    assert.equal(flat.app_id, `0x${cvm.app_id}`);
    assert.match(String(flat.device_id), /^0x[0-9a-f]{64}$/);
    assert.equal((flat.kms_info as Body).chain_id, 31337);
    await assert.rejects(
      sdk.updateCvmEnvs({ id: cvm.id, encrypted_env, env_keys: ["A"] }),
      (e: { status?: number }) => {
        assert.equal(e.status, 465, "SDK 0.2.9 throws on the legacy layout");
        return true;
      },
    );

    // Phase 2 accepts the 0x-prefixed hash verbatim.
    assert.ok(cvm.onchain);
    const tx = await sendAddComposeHash(
      emulator,
      cvm.onchain.app_contract as `0x${string}`,
      String(flat.compose_hash),
      emulator.appOwner.privateKey,
    );
    emulator.updateSettings({ errorLayout: "C", hexPrefix: false });
    res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: {
        encrypted_env,
        env_keys: ["A"],
        compose_hash: flat.compose_hash,
        transaction_hash: tx.transactionHash,
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await emulator.waitForIdle(cvm.id);
  });

  it("422 (layout B) for malformed bodies, 404 string detail, 401 without the right key", async () => {
    const cvm = await freshCvm("phala");
    const cases: [string, { body?: unknown; rawBody?: string }, (string | number)[], string][] = [
      ["missing encrypted_env", { body: { env_keys: ["A"] } }, ["body", "encrypted_env"], "missing"],
      [
        "encrypted_env not a string",
        { body: { encrypted_env: 12 } },
        ["body", "encrypted_env"],
        "string_type",
      ],
      [
        "env_keys not a list",
        { body: { encrypted_env: "aa", env_keys: "A" } },
        ["body", "env_keys"],
        "array_type",
      ],
      [
        "env_keys item not a string",
        { body: { encrypted_env: "aa", env_keys: ["A", 3] } },
        ["body", "env_keys", 1],
        "string_type",
      ],
      ["encrypted_env not hex", { body: { encrypted_env: "zz" } }, ["body", "encrypted_env"], "value_error"],
      ["invalid JSON", { rawBody: "{" }, ["body", 0], "json_invalid"],
      ["no body", {}, ["body"], "missing"],
    ];
    for (const [what, request, loc, type] of cases) {
      const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, request);
      assert.equal(res.status, 422, what);
      const items = (res.body as { detail: { loc: unknown[]; msg: string; type: string }[] }).detail;
      assert.ok(Array.isArray(items), what);
      assert.deepEqual(items[0]?.loc, loc, what);
      assert.equal(items[0]?.type, type, what);
      assert.equal(typeof items[0]?.msg, "string");
    }
    const sdk = createClient({ apiKey: emulator.apiKey, baseURL: emulator.apiUrl });
    await assert.rejects(
      sdk.updateCvmEnvs({ id: cvm.id, encrypted_env: "zz" }),
      (e: { status?: number; isValidationError?: boolean }) =>
        e.status === 422 && e.isValidationError === true,
    );

    const missing = await api(emulator, "PATCH", "/cvms/cvm_nope/envs", { body: { encrypted_env: "aa" } });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { detail: "CVM not found" });
    for (const apiKey of [null, "phak_wrong"]) {
      const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: { encrypted_env: "aa" },
        apiKey,
      });
      assert.equal(res.status, 401);
      assert.equal(typeof (res.body as Body).detail, "string");
    }
    assert.equal(emulator.inspectCvm(cvm.id).operations.length, 0, "no request above started an operation");
  });
});
