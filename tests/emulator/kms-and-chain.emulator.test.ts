import assert from "node:assert/strict";
import { verifyEnvEncryptPublicKey } from "@phala/cloud";
import { createPublicClient, http } from "viem";
import { dstackKmsAbi } from "../../emulator/chain/dstack-contracts";
import { useEmulator } from "../support/fixtures";
import { api, detailsOf, encryptFor, inspectHttp, seed, sendAddComposeHash } from "./helpers";

type Body = Record<string, unknown>;

describe("emulator: the KMS signing key, chain controls and replicas", () => {
  const emulator = useEmulator();
  let counter = 0;
  afterEach(async () => {
    await emulator.setAutomine(true);
  });

  const kmsInfoOnChain = async () => {
    const client = createPublicClient({ transport: http(emulator.chain.rpcUrl) });
    const [k256] = await client.readContract({
      address: emulator.chain.dstackKms,
      abi: dstackKmsAbi,
      functionName: "kmsInfo",
    });
    return k256;
  };

  it("on-chain CVM detail (2026-01-21): encrypted_env_pubkey null and no k256_pubkey; the key is on GET /kms/on-chain/{chain} and DstackKms.kmsInfo()", async () => {
    const target = seed(emulator, "onchain-env-demo");
    const res = await api(emulator, "GET", `/cvms/${target.id}`);
    assert.equal(res.status, 200);
    const kmsInfo = (res.body as { kms_info: Body }).kms_info;
    assert.equal(kmsInfo.encrypted_env_pubkey, null);
    assert.ok(!("k256_pubkey" in kmsInfo), "no signing key in the CVM detail");
    assert.equal(kmsInfo.dstack_kms_address, emulator.chain.dstackKms);
    assert.equal(kmsInfo.chain_id, 31337);
    // The same holds for every on-chain seed unless it models a backend that exposes the env key.
    for (const name of ["bash-runner-demo", "unicode-compose-demo"]) {
      const other = await api(emulator, "GET", `/cvms/${seed(emulator, name).id}`);
      assert.equal((other.body as { kms_info: Body }).kms_info.encrypted_env_pubkey, null, name);
    }

    const onChain = await api(emulator, "GET", "/kms/on-chain/ethereum");
    assert.equal(onChain.status, 200);
    const contracts = (onChain.body as { contracts: Body[] }).contracts;
    const entry = contracts.find((c) => c.contract_address === kmsInfo.dstack_kms_address);
    assert.ok(entry, "the CVM's DstackKms is listed");
    assert.equal(entry.k256_pubkey, emulator.kmsPublicKey);
    assert.equal(await kmsInfoOnChain(), emulator.kmsPublicKey);
    assert.ok(
      contracts.filter((c) => c !== entry).every((c) => c.k256_pubkey === null),
      "placeholder KMS entries have no key",
    );

    // The env key of the app is signed by exactly that key.
    const pubkey = await api(emulator, "GET", `/kms/ethereum/pubkey/${target.app_id}`);
    const { public_key, signature } = pubkey.body as { public_key: string; signature: string };
    const signer = verifyEnvEncryptPublicKey(
      Buffer.from(public_key, "hex"),
      Buffer.from(signature, "hex"),
      target.app_id,
    );
    assert.equal(signer, entry.k256_pubkey);
  });

  it("the KMS directory is public (no security requirement in the document); CVM routes need the key", async () => {
    const target = seed(emulator, "onchain-env-demo");
    for (const path of [
      "/kms",
      `/kms/kms-ethereum-local`,
      `/kms/ethereum/pubkey/${target.app_id}`,
      "/kms/on-chain/ethereum",
    ]) {
      assert.equal((await api(emulator, "GET", path, { apiKey: null })).status, 200, path);
    }
    assert.equal((await api(emulator, "GET", "/kms/phala/next_app_id", { apiKey: null })).status, 401);
    assert.equal((await api(emulator, "GET", `/cvms/${target.id}`, { apiKey: null })).status, 401);
  });

  it("every route the emulator serves, with its documented error answers, conforms to the OpenAPI document", async () => {
    // The root hook validates each of these exchanges after the test; here each must give the expected status.
    const cvm = seed(emulator, "onchain-pubkey-demo");
    const calls: [string, string, number, Record<string, string>?][] = [
      ["GET", `/cvms/${cvm.id}`, 200],
      ["GET", `/cvms/${cvm.id}`, 200, { "x-phala-version": "2025-10-28" }],
      ["GET", "/cvms/cvm_unknown", 404],
      ["GET", `/cvms/${cvm.id}/compose_file`, 200],
      ["GET", "/cvms/cvm_unknown/compose_file", 404],
      ["GET", `/cvms/${cvm.id}/operations?limit=2`, 200],
      ["GET", `/cvms/${cvm.id}/operations?limit=0`, 422],
      ["GET", "/cvms/paginated?page=1&page_size=2", 200],
      ["GET", "/kms?page=2&page_size=5&is_onchain=true", 200],
      ["GET", "/kms?page_size=0", 422],
      ["GET", "/kms/kms-phala-prod7", 200],
      ["GET", "/kms/kms_unknown", 404],
      ["GET", `/kms/phala/pubkey/${cvm.app_id}`, 200],
      ["GET", "/kms/phala/pubkey/not-an-app", 400],
      ["GET", "/kms/no-such-kms/pubkey/0000000000000000000000000000000000000000", 404],
      ["GET", "/kms/on-chain/base", 200],
      ["GET", "/kms/on-chain/solana", 400],
      ["GET", "/kms/phala/next_app_id?counts=3", 200],
      ["GET", "/kms/phala/next_app_id?counts=21", 422],
    ];
    for (const [method, path, status, headers] of calls) {
      const res = await api(emulator, method, path, headers ? { headers } : {});
      assert.equal(res.status, status, `${method} ${path}`);
    }
    const patch = (id: string, body: unknown) => api(emulator, "PATCH", `/cvms/${id}/envs`, { body });
    assert.equal((await patch("cvm_unknown", { encrypted_env: "00" })).status, 404);
    assert.equal((await patch(cvm.id, { env_keys: ["A"] })).status, 422);
  });

  it("the 465 kms_info switches to the docs' minimal layout", async () => {
    const target = seed(emulator, "onchain-pubkey-demo");
    emulator.updateSettings({ kmsInfoLayout: "docs" });
    try {
      const res = await api(emulator, "PATCH", `/cvms/${target.id}/envs`, {
        body: { encrypted_env: encryptFor(emulator, target.id, { A: "1" }), env_keys: ["A", "LOG_LEVEL"] },
      });
      assert.equal(res.status, 465);
      assert.deepEqual(detailsOf(res.body).kms_info, {
        chain_id: 31337,
        kms_contract_address: emulator.chain.dstackKms,
      });
    } finally {
      emulator.updateSettings({ kmsInfoLayout: "full" });
    }
  });

  it("automine off holds a registration pending: phase 2 is 467 until it is mined, then 202", async function () {
    this.timeout(60_000);
    const cvm = await emulator.createCvm({
      name: `pending-${++counter}`,
      kms: "onchain",
      allowedEnvs: ["A"],
    });
    assert.ok(cvm.onchain);
    const keys = ["A", "B"];
    const encrypted_env = encryptFor(emulator, cvm.id, { A: "1", B: "2" });
    const p1 = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      body: { encrypted_env, env_keys: keys },
    });
    const composeHash = detailsOf(p1.body).compose_hash as string;

    const off = await inspectHttp(emulator, "POST", "/chain/automine", { enabled: false });
    assert.equal(off.status, 200);
    assert.equal((off.body as { automine: boolean }).automine, false);
    const before = (await emulator.chainStatus()).blockNumber;
    // Sent, not mined: take the hash from the node's pending pool.
    const sending = sendAddComposeHash(
      emulator,
      cvm.onchain.app_contract as `0x${string}`,
      composeHash,
      emulator.appOwner.privateKey,
    );
    const client = createPublicClient({ transport: http(emulator.chain.rpcUrl) });
    let pending: `0x${string}` | undefined;
    for (let i = 0; i < 200 && !pending; i++) {
      const block = await client.getBlock({ blockTag: "pending" });
      pending = block.transactions[0];
      if (!pending) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(pending, "the transaction is in the pending block");
    assert.equal((await emulator.chainStatus()).blockNumber, before, "nothing mined");
    const phase2 = () =>
      api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: { encrypted_env, env_keys: keys, compose_hash: composeHash, transaction_hash: pending },
      });
    const early = await phase2();
    assert.equal(early.status, 467, JSON.stringify(early.body));
    assert.match(String((early.body as Body).message), /not found/);

    const mined = await inspectHttp(emulator, "POST", "/chain/mine", {});
    assert.equal((mined.body as { blockNumber: number }).blockNumber, before + 1);
    assert.equal((await sending).transactionHash, pending);
    const late = await phase2();
    assert.equal(late.status, 202, JSON.stringify(late.body));
    await emulator.waitForIdle(cvm.id);
    assert.deepEqual(emulator.inspectCvm(cvm.id).allowed_envs, keys);
  });

  it("replicas share one app: same DstackApp, compose and hash; one registration proves phase 2 for both", async function () {
    this.timeout(60_000);
    const first = await emulator.createCvm({
      name: `replica-a-${++counter}`,
      kms: "onchain",
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "info" },
    });
    const created = await inspectHttp(emulator, "POST", "/cvms", {
      name: `replica-b-${counter}`,
      kms: "onchain",
      replicaOf: first.name,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const second = created.body as typeof first;
    assert.notEqual(second.id, first.id);
    assert.notEqual(second.vm_uuid, first.vm_uuid);
    assert.equal(second.app_id, first.app_id);
    assert.deepEqual(second.onchain, first.onchain);
    assert.equal(second.compose_hash, first.compose_hash);
    assert.deepEqual(second.env, { LOG_LEVEL: "info" });
    assert.ok(first.onchain);

    const keys = ["API_KEY", "LOG_LEVEL"];
    const phase1 = async (id: string) => {
      const encrypted_env = encryptFor(emulator, id, { LOG_LEVEL: "info", API_KEY: "k" });
      const res = await api(emulator, "PATCH", `/cvms/${id}/envs`, {
        body: { encrypted_env, env_keys: keys },
      });
      assert.equal(res.status, 465);
      return { encrypted_env, composeHash: detailsOf(res.body).compose_hash as string };
    };
    const a = await phase1(first.id);
    const b = await phase1(second.id);
    assert.equal(a.composeHash, b.composeHash, "same compose, same hash");
    const tx = await sendAddComposeHash(
      emulator,
      first.onchain.app_contract as `0x${string}`,
      a.composeHash,
      emulator.appOwner.privateKey,
    );
    for (const [cvm, p] of [
      [first, a],
      [second, b],
    ] as const) {
      const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: { ...p, env_keys: keys, compose_hash: p.composeHash, transaction_hash: tx.transactionHash },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual((await emulator.waitForIdle(cvm.id)).env, { API_KEY: "k", LOG_LEVEL: "info" });
    }
    // A replica of a CVM on another KMS kind is refused.
    const wrong = await inspectHttp(emulator, "POST", "/cvms", {
      name: `replica-c-${counter}`,
      kms: "phala",
      replicaOf: first.name,
    });
    assert.equal(wrong.status, 400);
  });
});

describe("emulator: block time", () => {
  const emulator = useEmulator({ seeds: [], anvil: { blockTime: 1 } });

  it("mines on an interval instead of per transaction; on-chain CVMs are still created", async function () {
    this.timeout(60_000);
    const status = await inspectHttp(emulator, "GET", "/chain");
    assert.deepEqual(
      { ...(status.body as Body), blockNumber: 0 },
      {
        automine: false,
        blockNumber: 0,
        blockTimeSeconds: 1,
      },
    );
    const start = (status.body as { blockNumber: number }).blockNumber;
    const cvm = await emulator.createCvm({ name: "interval-app", kms: "onchain" });
    assert.ok(cvm.onchain);
    // Blocks keep coming without transactions.
    for (let i = 0; i < 100 && (await emulator.chainStatus()).blockNumber < start + 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok((await emulator.chainStatus()).blockNumber >= start + 3);
  });
});
