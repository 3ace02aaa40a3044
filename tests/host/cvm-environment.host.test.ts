import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createPublicClient, http } from "viem";
import { type CvmInspection, defaultSeeds, dstackAppAbi } from "../../emulator";
import {
  assertBuiltProviderFresh,
  DynamicProviderHost,
  HostCallError,
  type Props,
  REPO_ROOT,
  secret,
  type TranscriptEntry,
  UNKNOWN,
} from "../../scripts/host/dynamic-provider-host";
import { userStateProviderText } from "../../scripts/host/user-state-provider-text";
import { useEmulator } from "../support/fixtures";

const PROJECT = "host-test";
type Kind = "phala" | "onchain";
const urn = (name: string) => `urn:pulumi:host::${PROJECT}::pulumi-nodejs:dynamic:CvmEnvironment::${name}`;
const GOLDEN_DIR = path.join(REPO_ROOT, "tests", "cvm-environment", "fixtures");

const tag = () => randomBytes(8).toString("hex");
/** Declared values: long and random, so a search for them cannot match ordinary text. */
const VALUES = {
  DB_URL: `postgres://app:pw-${tag()}@db.internal:5432/app`,
  DB_URL_2: `postgres://app:pw-${tag()}@db-2.internal:5432/app`,
  API_TOKEN: `tok_${tag()}${tag()}`,
  LOG_LEVEL: `level-${tag()}`,
  LOG_LEVEL_2: `level-${tag()}`,
  FEATURE_FLAG: `flag-${tag()}`,
  INVALID_KEY: `0xnot-a-key-${tag()}`,
} as const;

/** Leaves a protobuf Struct can carry unchanged; a Uint8Array would come back as {"0":…,"1":…}. */
function assertStructShaped(value: unknown, where: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    assert.ok(Number.isFinite(value), `${where} is a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertStructShaped(item, `${where}[${i}]`);
    });
    return;
  }
  assert.equal(typeof value, "object", `${where} is a JSON value`);
  const keys = Object.keys(value as object);
  assert.ok(keys.length === 0 || !keys.every((k) => /^\d+$/.test(k)), `${where} is not mangled bytes`);
  for (const key of keys) assertStructShaped((value as Props)[key], `${where}.${key}`);
}

/**
 * Properties that hold secrets by design: the program marks them secret and the engine keeps the
 * outputs of the same name secret (the SDK class also lists them in additionalSecretOutputs).
 */
const SECRET_PROPERTIES = new Set(["env", "privateKey", "rpcUrl", "encryptedEnv"]);

/** A result with the secret properties removed, at any depth. */
function withoutSecretProperties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretProperties);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Props)
      .filter(([key]) => !SECRET_PROPERTIES.has(key))
      .map(([key, item]) => [key, withoutSecretProperties(item)]),
  );
}

describe("CvmEnvironment through the real dynamic-provider host (gRPC)", function () {
  this.timeout(180_000);

  const emulator = useEmulator({ settings: { operationDurationMs: 200 } });
  let host: DynamicProviderHost;
  let providerText: string;
  const hosts: DynamicProviderHost[] = [];
  /** Secrets that reach the host only through Configure: they must appear in no answer at all. */
  let configSecrets: string[];
  /**
   * The RPC URL as providers hand them out, with a key in it (anvil ignores the query). Its origin
   * (scheme, host, port) is not a credential and may appear in progress lines; the URL and the key not.
   */
  const rpcKey = `rpc_${tag()}${tag()}`;
  let rpcUrl: string;

  const program = (inputs: Props): Props => ({ ...inputs, __provider: providerText });
  const checked = async (olds: Props, news: Props): Promise<Props> => {
    const result = await host.check({ urn: urn("any"), olds, news: program(news) });
    assert.deepEqual(result.failures, []);
    return result.inputs;
  };
  const patches = () => emulator.requests().filter((r) => r.route === "PATCH /cvms/{id}/envs");
  /** The stack config as the engine sends it: namespaced, credentials secret-wrapped. */
  const stackConfig = (): Props => ({
    "phala:apiKey": secret(emulator.apiKey),
    "phala:apiUrl": emulator.apiUrl,
    "phala:privateKey": secret(emulator.appOwner.privateKey),
    "phala:rpcUrl": secret(rpcUrl),
    [`${PROJECT}:unrelated`]: "x",
  });

  /**
   * A CVM of the test's own, made like the seed of that name (`phala-env-demo` runs LOG_LEVEL; the
   * on-chain `onchain-env-demo` has no keys yet), so that no test sees what another one did.
   */
  let cvmCount = 0;
  const freshCvm = (kind: Kind): Promise<CvmInspection> => {
    const like = defaultSeeds(emulator.chain.accounts).find((s) => s.name === `${kind}-env-demo`);
    assert.ok(like, `a seed ${kind}-env-demo`);
    cvmCount++;
    return emulator.createCvm({ ...like, name: `host-${kind}-${cvmCount}` });
  };
  /** The seeds, for calls that read nothing of a CVM's state. */
  const seed = (kind: Kind) => {
    const cvm = emulator.cvms.find((c) => c.name === `${kind}-env-demo`);
    assert.ok(cvm, `a seed ${kind}-env-demo`);
    return cvm;
  };

  /** A resource as the engine keeps it: the checked inputs and the state of the last step. */
  type Resource = { kind: Kind; cvm: CvmInspection; id: string; inputs: Props; state: Props };
  /** Check and Create on a fresh CVM (the PHALA-KMS one named by its app id). */
  const created = async (kind: Kind, env: Props): Promise<Resource> => {
    const cvm = await freshCvm(kind);
    const inputs = await checked({}, { cvmId: kind === "phala" ? `app_${cvm.app_id}` : cvm.id, env });
    const result = await host.create({ urn: urn(kind), properties: inputs });
    return { kind, cvm, id: result.id, inputs, state: result.properties };
  };
  /** Check, Diff and Update to `env`, as the engine runs them for a changed program. */
  const updated = async (resource: Resource, env: Props): Promise<Resource> => {
    const news = await checked(resource.inputs, { cvmId: resource.inputs.cvmId, env });
    const olds = resource.state;
    await host.diff({ id: resource.id, urn: urn(resource.kind), olds, news });
    const result = await host.update({
      id: resource.id,
      urn: urn(resource.kind),
      olds,
      news,
      oldInputs: resource.inputs,
    });
    return { ...resource, inputs: news, state: result.properties };
  };
  /** Delete leaves the CVM with no environment and no allowed key. */
  const deleteClears = async (creating: Promise<Resource>): Promise<void> => {
    const { kind, cvm: target, id, inputs, state } = await creating;
    await host.delete({ id, urn: urn(kind), properties: state, oldInputs: inputs });
    const cvm = emulator.inspectCvm(target.id);
    assert.deepEqual(cvm.env, {});
    assert.deepEqual(cvm.allowed_envs, []);
  };
  const PHALA_ENV = { LOG_LEVEL: VALUES.LOG_LEVEL, DB_URL: VALUES.DB_URL, API_TOKEN: VALUES.API_TOKEN };
  const PHALA_ENV_2 = { LOG_LEVEL: VALUES.LOG_LEVEL, DB_URL: VALUES.DB_URL_2, API_TOKEN: VALUES.API_TOKEN };

  before(async () => {
    assertBuiltProviderFresh();
    providerText = await userStateProviderText();
    rpcUrl = `${emulator.chain.rpcUrl}/?apiKey=${rpcKey}`;
    configSecrets = [
      emulator.apiKey,
      emulator.appOwner.privateKey,
      emulator.appOwner.privateKey.replace(/^0x/, ""),
      rpcUrl,
      rpcKey,
    ];
    host = await DynamicProviderHost.start({ project: PROJECT });
    hosts.push(host);
    await host.configure(stackConfig());
  });

  after(async () => {
    for (const h of hosts) await h.stop();
  });

  describe("Configure and the serialized provider", () => {
    it("accepts the namespaced stack config with secret-wrapped credentials, as the engine sends it", async () => {
      const answer = await host.configure(stackConfig());
      // The dynamic-provider host strips secrets and never runs create/update in preview.
      assert.deepEqual(answer, { acceptSecrets: false, supportsPreview: false });
      // The provider only sees the unwrapped values: Create below succeeds against the emulator,
      // which accepts nothing but its own API key.
    });

    it("sends the __provider text a user's state holds; the golden test pins it", () => {
      const requires = [...providerText.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual(requires, Array(7).fill("pulumi-phala/provider"));
      assert.match(providerText, /^var __provider = \{configure: __f1, check: __f2,/m);
      assert.ok(providerText.length < 4096, `${providerText.length} bytes`);

      const golden = readFileSync(path.join(GOLDEN_DIR, "shim.serialized.txt"), "utf8");
      assert.equal(providerText, golden, "the golden test pins exactly this text");
    });
  });

  describe("Check", () => {
    it("derives per-key revisions, a map keyed by env key, and carries __provider back", async () => {
      const result = await host.check({
        urn: urn("phala"),
        news: program({
          cvmId: `app_${seed("phala").app_id}`,
          env: { LOG_LEVEL: VALUES.LOG_LEVEL, API_TOKEN: "x1" },
        }),
      });
      assert.deepEqual(result.failures, []);
      assert.deepEqual(result.inputs.envRevisions, { API_TOKEN: 1, LOG_LEVEL: 1 });
      assert.equal(result.inputs.envKeys, undefined, "no key list in the inputs the engine diffs");
      assert.equal(result.inputs.__provider, providerText);
    });

    it("lets preview unknowns through: whole env, one value, the CVM id, and __provider itself", async () => {
      const wholeEnv = await host.check({ urn: urn("p"), news: program({ cvmId: "cvm_x", env: UNKNOWN }) });
      assert.deepEqual(wholeEnv.failures, []);
      assert.equal(wholeEnv.inputs.envRevisions, UNKNOWN);

      const oneValue = await host.check({
        urn: urn("p"),
        olds: program({ cvmId: UNKNOWN, env: { A: "old-value" }, envRevisions: { A: 3 } }),
        news: program({ cvmId: UNKNOWN, env: { A: UNKNOWN, B: "b-value" } }),
      });
      assert.deepEqual(oneValue.failures, []);
      assert.equal(oneValue.inputs.cvmId, UNKNOWN);
      assert.deepEqual(oneValue.inputs.envRevisions, { A: UNKNOWN, B: 1 });

      // When __provider itself is unknown the host loads the one from the old inputs.
      const unknownProvider = await host.check({
        urn: urn("p"),
        olds: program({ cvmId: "cvm_x", env: { A: "1" } }),
        news: { cvmId: "cvm_x", env: { Z: "1", A: "1" }, __provider: UNKNOWN },
      });
      assert.deepEqual(unknownProvider.inputs.envRevisions, { A: 1, Z: 1 });
    });

    it("answers invalid inputs with failures the engine cannot print a value for, and hands back no secret", async () => {
      // The engine prints `property <p> value <inputs[p]>` for a named property: no failure names one.
      const reasonsOf = (result: { failures: { property: string; reason: string }[] }) =>
        Object.fromEntries(
          result.failures.map((f) => {
            assert.equal(f.property, "");
            const at = f.reason.indexOf(": ");
            return [f.reason.slice(0, at), f.reason.slice(at + 2)];
          }),
        );
      const invalid = await host.check({
        urn: urn("p"),
        news: program({
          cvmId: "",
          env: { A: VALUES.API_TOKEN },
          privateKey: secret(VALUES.INVALID_KEY),
          rpcUrl: secret(`wss://rpc.example/${VALUES.API_TOKEN}`),
        }),
      });
      assert.match(reasonsOf(invalid).cvmId ?? "", /is empty/);
      assert.match(reasonsOf(invalid).privateKey ?? "", /must be a 32-byte hex private key/);
      assert.match(reasonsOf(invalid).rpcUrl ?? "", /must be an http\(s\) URL/);

      const exclusive = await host.check({
        urn: urn("p"),
        news: program({ cvmId: "cvm_x", env: { A: VALUES.API_TOKEN }, encryptedEnv: "00ff", envKeys: ["A"] }),
      });
      assert.deepEqual(reasonsOf(exclusive), {
        encryptedEnv: "env and encryptedEnv are mutually exclusive; set one of them",
      });

      const badKey = await host.check({
        urn: urn("p"),
        news: program({ cvmId: "cvm_x", env: { "1-BAD": VALUES.API_TOKEN } }),
      });
      assert.match(reasonsOf(badKey).env ?? "", /"1-BAD"/);

      const unknownInput = await host.check({
        urn: urn("p"),
        news: program({ cvmId: "cvm_x", env: {}, privatekey: secret(VALUES.INVALID_KEY) }),
      });
      assert.match(reasonsOf(unknownInput).privatekey ?? "", /is not an input of CvmEnvironment/);

      const answers = JSON.stringify([invalid, exclusive, badKey, unknownInput]);
      for (const value of [VALUES.INVALID_KEY, VALUES.API_TOKEN]) assert.ok(!answers.includes(value));
    });
  });

  describe("Create on the PHALA-KMS CVM", () => {
    it("refuses to drop keys the CVM already has: a gRPC error with a clear message and no secret", async () => {
      const phala = await freshCvm("phala");
      const before = emulator.inspectCvm(phala.id);
      assert.deepEqual(before.allowed_envs, ["LOG_LEVEL"]);
      const inputs = await checked({}, { cvmId: phala.id, env: { DB_URL: VALUES.DB_URL } });
      const error = await host.create({ urn: urn("phala"), properties: inputs }).then(
        () => assert.fail("create succeeded"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof HostCallError);
      assert.equal(error.codeName, "UNKNOWN");
      assert.match(
        error.details,
        /already has environment keys that this resource does not declare: LOG_LEVEL/,
      );
      assert.match(error.details, /adoptExistingEnv: true/);
      for (const value of [...configSecrets, VALUES.DB_URL]) assert.ok(!error.details.includes(value));
      assert.deepEqual(emulator.inspectCvm(phala.id).env, before.env, "the CVM kept its environment");
    });

    it("creates: one PATCH, and the CVM then runs exactly the declared env", async () => {
      emulator.resetRequests();
      const { cvm: phala, id, state: p } = await created("phala", PHALA_ENV);

      assert.equal(id, phala.id, "the id is the canonical CVM id");
      assert.equal(p.__provider, providerText);
      assert.equal(p.cvmId, `app_${phala.app_id}`);
      assert.equal(p.canonicalCvmId, phala.id);
      assert.equal(p.appId, phala.app_id);
      assert.equal(p.kmsType, "phala");
      assert.equal(p.chainId, undefined, "no chain for an off-chain KMS");
      assert.equal(p.registrationTransactionHash, undefined);
      assert.deepEqual(p.envKeys, ["API_TOKEN", "DB_URL", "LOG_LEVEL"]);
      assert.deepEqual(p.envRevisions, { API_TOKEN: 1, DB_URL: 1, LOG_LEVEL: 1 });
      assert.match(String(p.envPublicKey), /^[0-9a-f]{64}$/);
      assert.equal(p.envPublicKey, emulator.inspectCvm(phala.id).env_pubkey.replace(/^0x/, ""));
      assert.equal(typeof p.envPublicKeyVerified, "boolean");
      assert.equal(typeof p.correlationId, "string");
      assert.match(String(p.composeHash), /^[0-9a-f]{64}$/);
      assert.equal(p.privateKey, undefined, "config credentials never reach outputs");
      assert.equal(p.rpcUrl, undefined, "config credentials never reach outputs");

      const cvm = emulator.inspectCvm(phala.id);
      assert.deepEqual(cvm.env, {
        API_TOKEN: VALUES.API_TOKEN,
        DB_URL: VALUES.DB_URL,
        LOG_LEVEL: VALUES.LOG_LEVEL,
      });
      assert.deepEqual(cvm.allowed_envs, ["API_TOKEN", "DB_URL", "LOG_LEVEL"]);
      assert.equal(cvm.compose_hash.replace(/^0x/, ""), p.composeHash);
      assert.deepEqual(
        patches().map((r) => r.status),
        [202],
      );
    });
  });

  describe("An env key named __proto__", () => {
    it("reaches the CVM: carried under its escaped property key (as the SDK sends it), sent as itself", async () => {
      const escaped = "__proto__\u200b";
      const { cvm, state } = await created("phala", { ...PHALA_ENV, [escaped]: VALUES.FEATURE_FLAG });
      assert.deepEqual(state.envRevisions, { API_TOKEN: 1, DB_URL: 1, LOG_LEVEL: 1, [escaped]: 1 });
      assert.deepEqual(state.envKeys, ["API_TOKEN", "DB_URL", "LOG_LEVEL", "__proto__"]);
      const inside = emulator.inspectCvm(cvm.id);
      assert.deepEqual(inside.allowed_envs, ["API_TOKEN", "DB_URL", "LOG_LEVEL", "__proto__"]);
      assert.equal(Object.getOwnPropertyDescriptor(inside.env, "__proto__")?.value, VALUES.FEATURE_FLAG);
    });
  });

  describe("Diff", () => {
    it("reordered keys with the same values: check yields the old inputs and diff asks no replacement", async () => {
      const { cvm: phala, id, inputs, state } = await created("phala", PHALA_ENV);
      const again = await checked(inputs, {
        env: { API_TOKEN: VALUES.API_TOKEN, LOG_LEVEL: VALUES.LOG_LEVEL, DB_URL: VALUES.DB_URL },
        cvmId: `app_${phala.app_id}`,
      });
      // The engine's own input diff sees nothing: the checked inputs are the old ones.
      assert.deepEqual(again, inputs);
      const diff = await host.diff({ id, urn: urn("phala"), olds: state, news: again });
      assert.deepEqual(diff, {
        changes: "DIFF_UNKNOWN",
        replaces: [],
        deleteBeforeReplace: false,
        stables: [],
        diffs: [],
        hasDetailedDiff: false,
      });
    });

    it("a changed value moves only that key's revision, and the canonical id is the same CVM", async () => {
      const { cvm: phala, id, inputs, state } = await created("phala", PHALA_ENV);
      const next = await checked(inputs, { cvmId: phala.id, env: PHALA_ENV_2 });
      assert.deepEqual(next.envRevisions, { API_TOKEN: 1, DB_URL: 2, LOG_LEVEL: 1 });
      const diff = await host.diff({ id, urn: urn("phala"), olds: state, news: next });
      assert.equal(diff.changes, "DIFF_UNKNOWN", "the engine draws the detailed diff");
      assert.deepEqual(diff.replaces, []);
    });

    it("another CVM: replace, deleting first", async () => {
      const { id, inputs, state } = await created("phala", PHALA_ENV);
      const next = await checked(inputs, { cvmId: seed("onchain").id, env: { LOG_LEVEL: VALUES.LOG_LEVEL } });
      const diff = await host.diff({ id, urn: urn("phala"), olds: state, news: next });
      assert.deepEqual(diff.replaces, ["cvmId"]);
      assert.equal(diff.deleteBeforeReplace, true);
      const unknown = await host.diff({
        id,
        urn: urn("phala"),
        olds: state,
        news: { ...next, cvmId: UNKNOWN },
      });
      assert.deepEqual(unknown.replaces, ["cvmId"], "an unknown CVM id may be another CVM");
    });
  });

  describe("Update", () => {
    it("values only on the PHALA-KMS CVM: one PATCH, no transaction, the CVM runs the new value", async () => {
      const resource = await created("phala", PHALA_ENV);
      emulator.resetRequests();
      const { state: p } = await updated(resource, PHALA_ENV_2);
      assert.deepEqual(p.envRevisions, { API_TOKEN: 1, DB_URL: 2, LOG_LEVEL: 1 });
      assert.equal(p.registrationTransactionHash, undefined);
      assert.notEqual(p.correlationId, resource.state.correlationId);
      assert.equal(emulator.inspectCvm(resource.cvm.id).env.DB_URL, VALUES.DB_URL_2);
      assert.deepEqual(
        patches().map((r) => r.status),
        [202],
      );
    });

    it("creates on the on-chain CVM (its first keys are a key-set change too)", async () => {
      const { cvm: onchain, id, state } = await created("onchain", { LOG_LEVEL: VALUES.LOG_LEVEL });
      assert.equal(id, onchain.id);
      assert.equal(state.chainId, emulator.chain.chainId);
      assert.match(String(state.registrationTransactionHash), /^0x[0-9a-f]{64}$/);
      assert.deepEqual(emulator.inspectCvm(onchain.id).env, { LOG_LEVEL: VALUES.LOG_LEVEL });
    });

    it("a key-set change on the on-chain CVM: two phases, one transaction, the contract allows the hash", async () => {
      const resource = await created("onchain", { LOG_LEVEL: VALUES.LOG_LEVEL });
      const onchain = resource.cvm;
      const client = createPublicClient({ transport: http(emulator.chain.rpcUrl) });
      const signer = emulator.appOwner.address;
      const nonceBefore = await client.getTransactionCount({ address: signer, blockTag: "latest" });
      emulator.resetRequests();

      const { inputs: news, state: p } = await updated(resource, {
        LOG_LEVEL: VALUES.LOG_LEVEL,
        FEATURE_FLAG: VALUES.FEATURE_FLAG,
      });
      assert.deepEqual(news.envRevisions, { FEATURE_FLAG: 1, LOG_LEVEL: 1 });

      assert.deepEqual(
        patches().map((r) => r.status),
        [465, 202],
        "phase 1 answered 465, phase 2 accepted",
      );
      const nonceAfter = await client.getTransactionCount({ address: signer, blockTag: "latest" });
      assert.equal(nonceAfter - nonceBefore, 1, "exactly one transaction from the signer");

      assert.match(String(p.registrationTransactionHash), /^0x[0-9a-f]{64}$/);
      assert.notEqual(p.registrationTransactionHash, resource.state.registrationTransactionHash);
      const hash = p.registrationTransactionHash as `0x${string}`;
      const [transaction, receipt] = await Promise.all([
        client.getTransaction({ hash }),
        client.getTransactionReceipt({ hash }),
      ]);
      assert.equal(receipt.status, "success");
      assert.equal(transaction.from.toLowerCase(), signer.toLowerCase());
      assert.equal(transaction.to?.toLowerCase(), onchain.onchain?.app_contract.toLowerCase());

      const cvm = emulator.inspectCvm(onchain.id);
      assert.equal(p.composeHash, cvm.compose_hash.replace(/^0x/, ""));
      const allowed = await client.readContract({
        address: onchain.onchain?.app_contract as `0x${string}`,
        abi: dstackAppAbi,
        functionName: "allowedComposeHashes",
        args: [`0x${p.composeHash}`],
      });
      assert.equal(allowed, true);
      assert.deepEqual(cvm.allowed_envs, ["FEATURE_FLAG", "LOG_LEVEL"]);
      assert.deepEqual(cvm.env, { FEATURE_FLAG: VALUES.FEATURE_FLAG, LOG_LEVEL: VALUES.LOG_LEVEL });
      assert.equal(p.chainId, emulator.chain.chainId);
      assert.equal(typeof p.chainId, "number");
    });

    it("delete on the on-chain CVM clears its environment", () =>
      deleteClears(created("onchain", { LOG_LEVEL: VALUES.LOG_LEVEL })));
  });

  describe("Read (refresh)", () => {
    it("without drift: the same id and no new inputs", async () => {
      const { id, inputs, state } = await created("phala", PHALA_ENV);
      const read = await host.read({ id, urn: urn("phala"), properties: state, inputs });
      assert.equal(read.id, id);
      assert.equal(read.inputs, undefined);
      assert.deepEqual(read.properties.envKeys, state.envKeys);
      assert.equal(read.properties.__provider, providerText);
    });

    it("drift made outside Pulumi: hands back inputs without the removed key, and the next update restores it", async () => {
      // DB_URL at its second revision.
      const resource = await updated(await created("phala", PHALA_ENV), PHALA_ENV_2);
      const { cvm: phala, id } = resource;
      await emulator.setAllowedEnvs(phala.id, ["DB_URL", "LOG_LEVEL"]);
      const read = await host.read({
        id,
        urn: urn("phala"),
        properties: resource.state,
        inputs: resource.inputs,
      });
      assert.equal(read.id, id);
      assert.ok(read.inputs, "refreshed inputs");
      assert.deepEqual(Object.keys(read.inputs.env as Props).sort(), ["DB_URL", "LOG_LEVEL"]);
      assert.deepEqual(read.inputs.envRevisions, { DB_URL: 2, LOG_LEVEL: 1 });
      assert.deepEqual(read.properties.envKeys, ["DB_URL", "LOG_LEVEL"]);
      assert.equal(read.inputs.__provider, providerText);

      // The program still declares API_TOKEN: check against the refreshed inputs brings it back.
      const restored = await updated(
        { ...resource, inputs: read.inputs, state: read.properties },
        PHALA_ENV_2,
      );
      assert.deepEqual(restored.inputs.envRevisions, { API_TOKEN: 1, DB_URL: 2, LOG_LEVEL: 1 });
      assert.deepEqual(emulator.inspectCvm(phala.id).allowed_envs, ["API_TOKEN", "DB_URL", "LOG_LEVEL"]);
      assert.equal(emulator.inspectCvm(phala.id).env.API_TOKEN, VALUES.API_TOKEN);
    });
  });

  describe("Delete", () => {
    it("clears the PHALA-KMS CVM's environment", () => deleteClears(created("phala", PHALA_ENV)));
  });
  describe("Errors", () => {
    it("a provider failure arrives as gRPC UNKNOWN with a clear message and without the API key", async () => {
      const wrongKey = `phak_wrong_${tag()}${tag()}`;
      const other = await DynamicProviderHost.start({ project: PROJECT });
      hosts.push(other);
      await other.configure({ "phala:apiKey": secret(wrongKey), "phala:apiUrl": emulator.apiUrl });
      const inputs = (
        await other.check({
          urn: urn("wrong-key"),
          news: program({ cvmId: seed("phala").id, env: { API_TOKEN: VALUES.API_TOKEN } }),
        })
      ).inputs;
      const error = await other.create({ urn: urn("wrong-key"), properties: inputs }).then(
        () => assert.fail("create succeeded with a wrong API key"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof HostCallError);
      assert.equal(error.codeName, "UNKNOWN");
      assert.match(error.details, /rejected the API key/);
      assert.ok(!error.details.includes(wrongKey), "the key is not in the message");
      assert.ok(!other.stderr().includes(wrongKey), "the key is not in the host's log");
      assert.ok(!other.stderr().includes(VALUES.API_TOKEN), "no value in the host's log");
    });
  });

  describe("Every answer that crossed gRPC", () => {
    const answers = (): TranscriptEntry[] => hosts.flatMap((h) => h.transcript);

    // A whole life on each kind of CVM (up, a value changed, a key added, refresh, destroy), so that these
    // checks read every method's answers whichever other tests ran.
    before(async () => {
      const lives: [Kind, Props, Props, Props][] = [
        ["phala", PHALA_ENV, PHALA_ENV_2, { ...PHALA_ENV_2, FEATURE_FLAG: VALUES.FEATURE_FLAG }],
        [
          "onchain",
          { LOG_LEVEL: VALUES.LOG_LEVEL },
          { LOG_LEVEL: VALUES.LOG_LEVEL_2 },
          { LOG_LEVEL: VALUES.LOG_LEVEL_2, FEATURE_FLAG: VALUES.FEATURE_FLAG },
        ],
      ];
      for (const [kind, env, changed, added] of lives) {
        const { id, inputs, state } = await updated(await updated(await created(kind, env), changed), added);
        await host.read({ id, urn: urn(kind), properties: state, inputs });
        await host.delete({ id, urn: urn(kind), properties: state, oldInputs: inputs });
      }
    });

    it("is Struct-shaped", () => {
      const ok = answers().filter((a) => a.ok);
      assert.ok(ok.length >= 20, `${ok.length} answers`);
      for (const [i, answer] of ok.entries()) assertStructShaped(answer.result, `${answer.method}#${i}`);
    });

    it("holds no credential anywhere, and values only under properties that are secret in state", () => {
      const all = answers();
      const methods = new Set(all.map((a) => a.method));
      for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
        assert.ok(methods.has(method), `${method} was exercised`);
      }
      const values = Object.values(VALUES);
      // The search can see values: state does hold them, under `env`.
      assert.ok(all.some((a) => a.method === "create" && JSON.stringify(a.result).includes(VALUES.DB_URL)));
      for (const answer of all) {
        const whole = JSON.stringify(answer.result);
        for (const credential of configSecrets) {
          assert.ok(!whole.includes(credential), `a credential in a ${answer.method} answer`);
        }
        if (["create", "update", "read"].includes(answer.method)) {
          // Credentials that came from stack config never become outputs.
          assert.ok(
            !/"(privateKey|rpcUrl)":/.test(whole),
            `a credential property in a ${answer.method} answer`,
          );
        }
        const rest = JSON.stringify(withoutSecretProperties(answer.result));
        for (const value of values) {
          assert.ok(!rest.includes(value), `a value outside a secret property in a ${answer.method} answer`);
        }
      }
    });

    it("left no secret in the hosts' logs", () => {
      for (const h of hosts) {
        const log = h.stderr();
        for (const value of [...configSecrets, ...Object.values(VALUES)]) {
          assert.ok(!log.includes(value), "a secret in the host's stderr");
        }
      }
      assert.match(host.stderr(), /pulumi-phala: /, "the provider's progress lines were captured");
    });
  });
});
