import assert from "node:assert/strict";
import {
  addComposeHash,
  createClient,
  encryptEnvVars,
  getCvmComposeFile,
  verifyEnvEncryptPublicKey,
  withComposeMethods,
} from "@phala/cloud";
import { createPublicClient, encodeFunctionData, http } from "viem";
import { anvil } from "viem/chains";
import { dstackAppAbi } from "../../emulator/index";
import { useEmulator } from "../support/fixtures";
import { api, seed, sendAddComposeHash } from "./helpers";

// The official SDK, pointed at the emulator, must work unchanged. `encryptEnvVars` and
// `verifyEnvEncryptPublicKey` are @phala/dstack-sdk's (0.5.7, the exact dependency of @phala/cloud 0.2.9,
// re-exported by it); the top-level @phala/dstack-sdk 0.5.8 cannot be loaded next to @noble/* 2.x
// (it requires the pre-2.0 subpaths such as `@noble/hashes/sha3`).
describe("emulator: official @phala/cloud SDK against the emulator", () => {
  const emulator = useEmulator();
  let client: ReturnType<typeof createClient>;

  before(() => {
    client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.apiUrl });
  });

  it("getCvmInfo resolves every identifier form to the same CVM (2026-01-21 shape)", async () => {
    const phala = seed(emulator, "phala-env-demo");
    const forms = [
      { id: phala.id },
      { uuid: phala.vm_uuid },
      { uuid: phala.vm_uuid.replace(/-/g, "") },
      { id: phala.vm_uuid },
      { app_id: phala.app_id },
      { app_id: `app_${phala.app_id}` },
      { id: phala.instance_id },
      { name: phala.name },
    ];
    for (const form of forms) {
      const info = await client.getCvmInfo(form);
      assert.equal(info.id, phala.id, JSON.stringify(form));
      assert.equal(info.app_id, phala.app_id);
    }
    // Forms the SDK passes through verbatim: bare 40 hex with 0x, legacy integer id.
    const legacy = emulator.inspectCvm(phala.id).legacy_id;
    for (const raw of [`0x${phala.app_id}`, phala.app_id, String(legacy)]) {
      const res = await api(emulator, "GET", `/cvms/${raw}`);
      assert.equal(res.status, 200, raw);
      assert.equal((res.body as { id: string }).id, phala.id);
    }
    const info = await client.getCvmInfo({ id: phala.id });
    assert.equal(info.kms_type, "phala");
    assert.equal(info.status, "running");
    assert.equal(info.kms_info?.chain_id, null);
    assert.match(info.kms_info?.encrypted_env_pubkey ?? "", /^[0-9a-f]{64}$/);
    assert.equal(info.kms_info?.encrypted_env_pubkey, emulator.inspectCvm(phala.id).env_pubkey);
    assert.equal(info.compose_hash, emulator.inspectCvm(phala.id).compose_hash);
    // The top-level pubkey exists on the wire (the SDK schema strips it).
    const raw = await api(emulator, "GET", `/cvms/${phala.id}`);
    assert.equal(
      (raw.body as { encrypted_env_pubkey: string }).encrypted_env_pubkey,
      info.kms_info?.encrypted_env_pubkey,
    );
  });

  it("on-chain CVMs: chain 31337 (the SDK attaches viem's anvil chain), pubkey per seed choice", async () => {
    const hidden = await client.getCvmInfo({ id: seed(emulator, "onchain-env-demo").id });
    assert.equal(hidden.kms_type, "ethereum");
    assert.equal(hidden.kms_info?.chain_id, 31337);
    assert.equal((hidden.kms_info as { chain?: { id: number } }).chain?.id, 31337);
    assert.equal(hidden.kms_info?.encrypted_env_pubkey, null);
    assert.equal(hidden.kms_info?.dstack_app_address?.toLowerCase(), `0x${hidden.app_id}`);
    assert.equal(hidden.kms_info?.rpc_endpoint, emulator.chain.rpcUrl);
    const shown = await client.getCvmInfo({ id: seed(emulator, "onchain-pubkey-demo").id });
    assert.match(shown.kms_info?.encrypted_env_pubkey ?? "", /^[0-9a-f]{64}$/);
  });

  it("getCvmInfo with version 2025-10-28 returns the legacy shape", async () => {
    const legacyClient = createClient({
      apiKey: emulator.apiKey,
      baseURL: emulator.apiUrl,
      version: "2025-10-28",
    });
    const phala = seed(emulator, "phala-env-demo");
    const info = await legacyClient.getCvmInfo({ id: phala.id });
    assert.equal(typeof info.id, "number");
    assert.equal(info.app_id, phala.app_id);
    assert.equal(info.encrypted_env_pubkey, emulator.inspectCvm(phala.id).env_pubkey);
    assert.equal(info.kms_info?.id, emulator.inspectCvm(phala.id).kms_id);
    const onchain = await legacyClient.getCvmInfo({ id: seed(emulator, "onchain-env-demo").id });
    assert.equal(onchain.kms_info?.chain_id, 31337);
    assert.equal(onchain.contract_address?.toLowerCase(), `0x${onchain.app_id}`);
  });

  it("getCvmComposeFile(...).getHash() equals the emulator's compose hash", async () => {
    for (const s of emulator.cvms) {
      const compose = await getCvmComposeFile(client, { id: s.id });
      const inspected = emulator.inspectCvm(s.id);
      assert.equal(compose.getHash(), inspected.compose_hash, s.name);
      assert.deepEqual(compose.allowed_envs, inspected.allowed_envs);
      const info = await client.getCvmInfo({ id: s.id });
      assert.equal(info.compose_hash, compose.getHash());
    }
  });

  it("PHALA KMS: encryptEnvVars + updateCvmEnvs is single phase; the emulator decrypts the env", async () => {
    const phala = seed(emulator, "phala-env-demo");
    const info = await client.getCvmInfo({ id: phala.id });
    const pubkey = info.kms_info?.encrypted_env_pubkey;
    assert.ok(pubkey);
    const encrypted = await encryptEnvVars(
      [
        { key: "API_KEY", value: "sk-live-123" },
        { key: "LOG_LEVEL", value: "trace" },
        { key: "NOT_ALLOWED", value: "dropped" },
      ],
      pubkey,
    );
    const result = await client.updateCvmEnvs({
      id: phala.id,
      encrypted_env: encrypted,
      env_keys: ["LOG_LEVEL", "API_KEY"],
    });
    assert.equal(result.status, "in_progress");
    assert.ok(result.status === "in_progress");
    assert.equal(result.allowed_envs_changed, true);
    assert.match(result.correlation_id, /^[0-9a-f-]{36}$/);
    const busy = await client.getCvmInfo({ id: phala.id });
    assert.equal(busy.progress?.correlation_id, result.correlation_id);
    assert.equal(busy.progress?.target, "running");
    const done = await emulator.waitForIdle(phala.id);
    assert.deepEqual(done.env, { API_KEY: "sk-live-123", LOG_LEVEL: "trace" });
    assert.deepEqual(done.allowed_envs, ["API_KEY", "LOG_LEVEL"]);
    assert.deepEqual([...done.received_env_keys].sort(), ["API_KEY", "LOG_LEVEL", "NOT_ALLOWED"]);
    const compose = await getCvmComposeFile(client, { id: phala.id });
    assert.deepEqual(compose.allowed_envs, ["API_KEY", "LOG_LEVEL"]);
    const after = await client.getCvmInfo({ id: phala.id });
    assert.equal(after.status, "running");
    assert.equal(after.progress, null);
    assert.equal(after.compose_hash, compose.getHash());
  });

  it("on-chain KMS: pubkey endpoint + signature, 465 precondition_required, SDK addComposeHash, phase 2", async function () {
    this.timeout(60_000);
    const target = seed(emulator, "onchain-env-demo");
    const info = await client.getCvmInfo({ id: target.id });
    assert.equal(info.kms_info?.encrypted_env_pubkey, null);
    assert.ok(info.app_id && info.kms_type);

    const signed = await client.getAppEnvEncryptPubKey({ kms: info.kms_type, app_id: info.app_id });
    assert.deepEqual(Object.keys(signed).sort(), ["public_key", "signature"]);
    const pk = Buffer.from(signed.public_key, "hex");
    const sig = Buffer.from(signed.signature, "hex");
    assert.equal(verifyEnvEncryptPublicKey(pk, sig, info.app_id), emulator.kmsPublicKey);
    assert.equal(verifyEnvEncryptPublicKey(pk, sig, `0x${info.app_id}`), emulator.kmsPublicKey);
    // A different app id does not verify to the KMS key.
    assert.notEqual(verifyEnvEncryptPublicKey(pk, sig, "11".repeat(20)), emulator.kmsPublicKey);

    const encrypted = await encryptEnvVars(
      [
        { key: "DB_URL", value: "postgres://u:p@db/app" },
        { key: "API_KEY", value: "k-1" },
      ],
      signed.public_key,
    );
    const envKeys = ["DB_URL", "API_KEY"];
    const phase1 = await client.updateCvmEnvs({ id: target.id, encrypted_env: encrypted, env_keys: envKeys });
    assert.equal(phase1.status, "precondition_required");
    assert.ok(phase1.status === "precondition_required");
    assert.equal(phase1.app_id, info.app_id);
    assert.equal(phase1.kms_info.chain_id, 31337);
    assert.match(phase1.compose_hash, /^[0-9a-f]{64}$/);
    assert.match(phase1.device_id, /^[0-9a-f]{64}$/);
    // The hash is the compose file with the new key set, as the SDK's own compose hash computes it.
    const compose = await getCvmComposeFile(client, { id: target.id });
    const { getHash: _h, toString: _s, ...plain } = compose;
    assert.equal(
      phase1.compose_hash,
      withComposeMethods({ ...plain, allowed_envs: ["API_KEY", "DB_URL"] }).getHash(),
    );

    const registered = await addComposeHash({
      chain: anvil,
      rpcUrl: emulator.chain.rpcUrl,
      appId: `0x${phase1.app_id}`,
      composeHash: phase1.compose_hash,
      privateKey: emulator.appOwner.privateKey,
    });
    assert.match(registered.transactionHash, /^0x[0-9a-f]{64}$/);

    const phase2 = await client.updateCvmEnvs({
      id: target.id,
      encrypted_env: encrypted,
      env_keys: envKeys,
      compose_hash: phase1.compose_hash,
      transaction_hash: registered.transactionHash,
    });
    assert.equal(phase2.status, "in_progress");
    assert.ok(phase2.status === "in_progress");
    assert.equal(phase2.allowed_envs_changed, true);
    const done = await emulator.waitForIdle(target.id);
    assert.deepEqual(done.env, { API_KEY: "k-1", DB_URL: "postgres://u:p@db/app" });
    assert.equal(done.compose_hash, phase1.compose_hash);
    const ops = await api(emulator, "GET", `/cvms/${target.id}/operations`);
    const items = (ops.body as { items: { correlation_id: string; status: string; compose_hash: string }[] })
      .items;
    assert.equal(items[0]?.correlation_id, phase2.correlation_id);
    assert.equal(items[0]?.status, "completed");
    assert.equal(items[0]?.compose_hash, phase1.compose_hash);

    // Same keys again: no chain interaction, allowed_envs_changed false.
    const again = await client.updateCvmEnvs({
      id: target.id,
      encrypted_env: await encryptEnvVars(
        [
          { key: "DB_URL", value: "x" },
          { key: "API_KEY", value: "k-2" },
        ],
        signed.public_key,
      ),
      env_keys: ["API_KEY", "DB_URL"],
    });
    assert.ok(again.status === "in_progress");
    assert.equal(again.allowed_envs_changed, false);
    assert.deepEqual((await emulator.waitForIdle(target.id)).env, { API_KEY: "k-2", DB_URL: "x" });
  });

  it("SDK addComposeHash refuses a contract the signer does not own; sent anyway, the chain reverts", async function () {
    this.timeout(30_000);
    const multisig = seed(emulator, "multisig-env-demo");
    assert.ok(multisig.app_contract && multisig.owner);
    assert.equal(multisig.owner, emulator.safe.address);
    const hash = "cd".repeat(32);
    await assert.rejects(
      addComposeHash({
        chain: anvil,
        rpcUrl: emulator.chain.rpcUrl,
        appId: multisig.app_contract,
        composeHash: hash,
        privateKey: emulator.appOwner.privateKey,
      }),
      /not the owner/i,
    );
    // Sent anyway (explicit gas, so no estimation), the transaction is mined and reverts.
    const receipt = await sendAddComposeHash(
      emulator,
      multisig.app_contract,
      hash,
      emulator.appOwner.privateKey,
      {
        gas: 100_000n,
      },
    );
    assert.equal(receipt.status, "reverted");
    // The rightful owner, the Safe, can register it.
    await emulator.safe.execute([
      {
        to: multisig.app_contract,
        value: 0n,
        data: encodeFunctionData({ abi: dstackAppAbi, functionName: "addComposeHash", args: [`0x${hash}`] }),
      },
    ]);
    const allowed = await createPublicClient({ transport: http(emulator.chain.rpcUrl) }).readContract({
      address: multisig.app_contract,
      abi: dstackAppAbi,
      functionName: "allowedComposeHashes",
      args: [`0x${hash}`],
    });
    assert.equal(allowed, true);
  });

  it("KMS functions: getKmsList paging and filter, getKmsInfo, getKmsOnChainDetail, nextAppIds", async () => {
    const page1 = await client.getKmsList();
    assert.equal(page1.total, 25);
    assert.equal(page1.page, 1);
    assert.equal(page1.page_size, 20);
    assert.equal(page1.pages, 2);
    assert.equal(page1.items.length, 20);
    const page2 = await client.getKmsList({ page: 2 });
    assert.equal(page2.items.length, 5);
    const ids = new Set([...page1.items, ...page2.items].map((k) => k.id));
    assert.equal(ids.size, 25);
    const onchain = await client.getKmsList({ is_onchain: true, page_size: 100 });
    assert.ok(onchain.items.length > 0 && onchain.items.length < 25);
    assert.ok(onchain.items.every((k) => k.chain_id !== null));
    const offchain = await client.getKmsList({ is_onchain: false, page_size: 100 });
    assert.equal(offchain.total + onchain.total, 25);
    assert.ok(offchain.items.every((k) => k.chain_id === null));

    const cvmKms = emulator.inspectCvm(seed(emulator, "onchain-env-demo").id).kms_id;
    const byId = await client.getKmsInfo({ kms_id: cvmKms });
    assert.equal(byId.chain_id, 31337);
    assert.ok(byId.slug);
    const bySlug = await client.getKmsInfo({ kms_id: byId.slug });
    assert.equal(bySlug.id, byId.id);
    await assert.rejects(
      client.getKmsInfo({ kms_id: "kms_does_not_exist" }),
      (e: { status?: number }) => e.status === 404,
    );

    const eth = await client.getKmsOnChainDetail({ chain: "ethereum" });
    assert.equal(eth.chain_id, 31337);
    assert.ok(eth.contracts.length > 0);
    assert.ok(eth.contracts.every((c) => c.chain_id === 31337 && c.devices.length > 0));
    const base = await client.getKmsOnChainDetail({ chain: "base" });
    assert.equal(base.chain_id, 8453);
    await assert.rejects(
      client.getKmsOnChainDetail({ chain: "solana" }),
      (e: { status?: number }) => e.status === 400,
    );

    const next = await client.nextAppIds({ counts: 3 });
    assert.equal(next.app_ids.length, 3);
    assert.deepEqual(
      next.app_ids.map((a) => a.nonce),
      [next.app_ids[0]?.nonce, (next.app_ids[0]?.nonce ?? 0) + 1, (next.app_ids[0]?.nonce ?? 0) + 2],
    );
    assert.ok(next.app_ids.every((a) => /^[0-9a-f]{40}$/.test(a.app_id)));
    assert.equal(new Set(next.app_ids.map((a) => a.app_id)).size, 3);
    const one = await client.nextAppIds();
    assert.equal(one.app_ids[0]?.app_id, next.app_ids[0]?.app_id);
    for (const counts of ["0", "21", "x"]) {
      const res = await api(emulator, "GET", `/kms/phala/next_app_id?counts=${counts}`);
      assert.equal(res.status, 422, counts);
      assert.deepEqual((res.body as { detail: { loc: string[] }[] }).detail[0]?.loc, ["query", "counts"]);
    }
  });

  it("the SDK surfaces 401 for a wrong API key and 404 for an unknown CVM", async () => {
    const wrong = createClient({ apiKey: "phak_wrong", baseURL: emulator.apiUrl });
    await assert.rejects(
      wrong.getCvmInfo({ id: seed(emulator, "phala-env-demo").id }),
      (e: { status?: number; isAuthError?: boolean }) => {
        assert.equal(e.status, 401);
        assert.equal(e.isAuthError, true);
        return true;
      },
    );
    await assert.rejects(
      client.getCvmInfo({ id: "cvm_unknown" }),
      (e: { status?: number; detail?: unknown }) => {
        assert.equal(e.status, 404);
        assert.equal(e.detail, "CVM not found");
        return true;
      },
    );
  });
});
