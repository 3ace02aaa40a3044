import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { Emulator, SeededCvm } from "../../emulator/index";
import { NotFoundError } from "../../provider/api";
import {
  getAppEnvEncryptPubKey,
  getAppEnvEncryptPubKeyOutput,
  getCvm,
  getCvmOutput,
  getKmsInfo,
  getKmsInfoOutput,
  getKmsList,
  getKmsListOutput,
  getKmsOnChainDetail,
  getKmsOnChainDetailOutput,
  getNextAppIds,
  getNextAppIdsOutput,
} from "../../sdk/functions";
import { useEmulator } from "../support/fixtures";
import { outputValue, useMocks } from "./helpers/output";
import { useSettings } from "./helpers/settings";

/** The emulator seeds 25 KMS entries (more than the API's default page of 20): 11 off-chain, 14 on-chain. */
const SEEDED_KMS = 25;

function seed(emulator: Emulator, name: string): SeededCvm {
  const found = emulator.cvms.find((cvm) => cvm.name === name);
  if (!found) throw new Error(`emulator seed ${name} is missing`);
  return found;
}

describe("data-source functions against the emulator", () => {
  const emulator = useEmulator();
  let restore: () => void = () => undefined;

  before(async () => {
    await useMocks(false);
  });
  beforeEach(() => {
    emulator.resetRequests();
    restore = useSettings({ config: { apiKey: emulator.apiKey, apiUrl: emulator.apiUrl } });
  });
  afterEach(() => {
    restore();
    const writes = emulator.requests().filter((r) => r.method !== "GET");
    assert.deepEqual(writes, [], "the functions are read-only");
  });

  describe("getKmsList", () => {
    it("returns every KMS across pages, camelCase, with onchain derived from the chain id", async () => {
      const all = await getKmsList();
      assert.equal(all.onchain, null);
      assert.equal(all.items.length, SEEDED_KMS);
      assert.equal(new Set(all.items.map((k) => k.id)).size, SEEDED_KMS);
      const phala = all.items.find((k) => k.slug === "kms-phala-prod7");
      assert.ok(phala);
      assert.equal(phala.chainId, null);
      assert.equal(phala.onchain, false);
      assert.equal(phala.kmsContractAddress, null);
      const onchain = all.items.find((k) => k.slug === "kms-ethereum-local");
      assert.ok(onchain);
      assert.equal(onchain.chainId, emulator.chain.chainId);
      assert.equal(onchain.onchain, true);
      assert.match(onchain.kmsContractAddress ?? "", /^0x[0-9a-fA-F]{40}$/);
      for (const entry of all.items) {
        assert.deepEqual(Object.keys(entry).sort(), [
          "chainId",
          "gatewayAppId",
          "id",
          "kmsContractAddress",
          "kmsPublicKey",
          "onchain",
          "slug",
          "url",
          "version",
        ]);
      }
    });

    it("the onchain filter splits the list", async () => {
      const [onchain, offchain] = await Promise.all([
        getKmsList({ onchain: true }),
        getKmsList({ onchain: false }),
      ]);
      assert.equal(onchain.onchain, true);
      assert.ok(onchain.items.length > 0 && onchain.items.every((k) => k.onchain));
      assert.ok(offchain.items.length > 0 && offchain.items.every((k) => !k.onchain));
      assert.equal(onchain.items.length + offchain.items.length, SEEDED_KMS);
    });

    it("Output form", async () => {
      const result = await outputValue(getKmsListOutput({ onchain: pulumi.output(true) }));
      assert.ok(result.items.length > 0 && result.items.every((k) => k.onchain));
    });
  });

  describe("getKmsInfo", () => {
    it("by slug and by id give the same KMS as the list", async () => {
      const listed = (await getKmsList()).items.find((k) => k.slug === "kms-base-prod9");
      assert.ok(listed);
      assert.deepEqual(await getKmsInfo({ kmsId: "kms-base-prod9" }), listed);
      assert.deepEqual(await getKmsInfo({ kmsId: listed.id }), listed);
      assert.equal(listed.chainId, 8453);
    });

    it("an unknown KMS is a NotFoundError", async () => {
      await assert.rejects(getKmsInfo({ kmsId: "kms-nowhere" }), NotFoundError);
    });

    it("Output form", async () => {
      const result = await outputValue(getKmsInfoOutput({ kmsId: pulumi.output("kms-phala-prod7") }));
      assert.equal(result.slug, "kms-phala-prod7");
    });
  });

  describe("getAppEnvEncryptPubKey", () => {
    it("verifies the signature against the kmsPublicKey argument", async () => {
      const app = seed(emulator, "phala-env-demo");
      const result = await getAppEnvEncryptPubKey({
        kms: "kms-phala-prod7",
        appId: app.app_id,
        kmsPublicKey: emulator.kmsPublicKey,
      });
      assert.equal(result.appId, app.app_id.replace(/^0x/, "").toLowerCase());
      assert.match(result.publicKey, /^[0-9a-f]{64}$/);
      assert.match(result.signature, /^[0-9a-f]{130}$/);
      assert.equal(result.signatureVerified, true);
      assert.equal(result.kmsPublicKeySource, "argument");
      assert.equal(result.verifiedAgainst, emulator.kmsPublicKey);
      assert.equal(result.signerPublicKey, emulator.kmsPublicKey);
    });

    it("without kmsPublicKey: verifies against the KMS key the API reports", async () => {
      const app = seed(emulator, "phala-env-demo");
      assert.equal((await getKmsInfo({ kmsId: "kms-phala-prod7" })).kmsPublicKey, emulator.kmsPublicKey);
      const result = await getAppEnvEncryptPubKey({ kms: "kms-phala-prod7", appId: `app_${app.app_id}` });
      assert.equal(result.signerPublicKey, emulator.kmsPublicKey);
      assert.equal(result.signatureVerified, true);
      assert.equal(result.kmsPublicKeySource, "api");
      assert.equal(result.verifiedAgainst, emulator.kmsPublicKey);
    });

    it("a KMS kind the pubkey endpoint accepts but the KMS lookup does not", async () => {
      const app = seed(emulator, "onchain-env-demo");
      const result = await getAppEnvEncryptPubKey({ kms: "ethereum", appId: app.app_id });
      assert.equal(result.signerPublicKey, emulator.kmsPublicKey);
      assert.equal(result.kms, "ethereum");
    });

    it("is the key the CVM itself reports", async () => {
      const app = seed(emulator, "phala-env-demo");
      const [cvm, key] = await Promise.all([
        getCvm({ cvmId: app.name }),
        getAppEnvEncryptPubKey({ kms: "kms-phala-prod7", appId: app.app_id }),
      ]);
      assert.equal(cvm.envPublicKey?.replace(/^0x/, "").toLowerCase(), key.publicKey);
    });

    it("Output form, verifying against the KMS key that getCvm reports", async () => {
      const app = seed(emulator, "onchain-pubkey-demo");
      const cvm = getCvmOutput({ cvmId: app.id });
      const result = await outputValue(
        getAppEnvEncryptPubKeyOutput({
          kms: cvm.apply((c) => c.kmsType ?? "phala"),
          appId: cvm.apply((c) => c.appId ?? ""),
          kmsPublicKey: cvm.apply((c) => c.kmsPublicKey ?? undefined),
        }),
      );
      assert.equal(result.signatureVerified, true);
      assert.equal(result.kmsPublicKeySource, "argument");
    });
  });

  describe("getKmsOnChainDetail", () => {
    it("ethereum: the local chain's KMS contracts with devices and OS images", async () => {
      const detail = await getKmsOnChainDetail({ chain: "ethereum" });
      assert.equal(detail.chainName, "ethereum");
      assert.equal(detail.chainId, emulator.chain.chainId);
      assert.ok(detail.contracts.length > 0);
      const onchainKms = (await getKmsList({ onchain: true })).items.filter(
        (k) => k.chainId === detail.chainId,
      );
      assert.deepEqual(
        detail.contracts.map((c) => c.contractAddress).sort(),
        onchainKms.map((k) => k.kmsContractAddress).sort(),
      );
      for (const contract of detail.contracts) {
        assert.equal(contract.chainId, emulator.chain.chainId);
        assert.ok(contract.devices.some((d) => d.onChainAllowed === true && d.nodeName !== null));
        assert.ok(contract.devices.some((d) => d.nodeName === null));
        assert.ok(contract.osImages.some((o) => o.osImageHash === null && o.onChainAllowed === null));
        assert.ok(contract.kmsPublicKey === null || contract.kmsPublicKey === emulator.kmsPublicKey);
      }
    });

    it("Output form: base", async () => {
      const detail = await outputValue(getKmsOnChainDetailOutput({ chain: pulumi.output("base" as const) }));
      assert.equal(detail.chainName, "base");
      assert.equal(detail.chainId, 8453);
    });
  });

  describe("getNextAppIds", () => {
    it("returns count ids with consecutive nonces, stable across calls", async () => {
      const first = await getNextAppIds({ count: 3 });
      assert.equal(first.count, 3);
      assert.equal(first.appIds.length, 3);
      for (const id of first.appIds) assert.match(id.appId, /^[0-9a-f]{40}$/);
      const nonces = first.appIds.map((id) => id.nonce);
      assert.deepEqual(nonces, [nonces[0], (nonces[0] ?? 0) + 1, (nonces[0] ?? 0) + 2]);
      assert.deepEqual(await getNextAppIds({ count: 3 }), first);
    });

    it("defaults to one id; Output form", async () => {
      assert.equal((await getNextAppIds()).appIds.length, 1);
      const result = await outputValue(getNextAppIdsOutput({ count: pulumi.output(20) }));
      assert.equal(result.appIds.length, 20);
    });
  });

  describe("getCvm", () => {
    it("a PHALA-KMS CVM by name", async () => {
      const app = seed(emulator, "phala-env-demo");
      const cvm = await getCvm({ cvmId: app.name });
      assert.equal(cvm.cvmId, app.name);
      assert.equal(cvm.id, app.id);
      assert.equal(cvm.name, app.name);
      assert.equal(cvm.appId, app.app_id.replace(/^0x/, "").toLowerCase());
      assert.equal(cvm.kmsType, "phala");
      assert.equal(cvm.onchainKms, false);
      assert.equal(cvm.chainId, null);
      assert.equal(cvm.appContractAddress, null);
      assert.deepEqual(cvm.allowedEnvs, ["LOG_LEVEL"]);
      assert.match(cvm.envPublicKey ?? "", /^(0x)?[0-9a-f]{64}$/);
      assert.match(cvm.composeHash ?? "", /^(0x)?[0-9a-f]{64}$/);
      assert.equal(typeof cvm.inProgress, "boolean");
      for (const value of Object.values(cvm)) assert.notEqual(value, undefined, "results are Struct-safe");
    });

    it("an on-chain CVM by app id: chain, app contract, KMS key; no env key in its detail", async () => {
      const app = seed(emulator, "onchain-env-demo");
      for (const cvmId of [app.app_id, `app_${app.app_id}`, app.vm_uuid]) {
        const cvm = await getCvm({ cvmId });
        assert.equal(cvm.id, app.id);
        assert.equal(cvm.kmsType, app.kms_type);
        assert.equal(cvm.onchainKms, true);
        assert.equal(cvm.chainId, emulator.chain.chainId);
        assert.equal(cvm.appContractAddress?.toLowerCase(), app.app_contract?.toLowerCase());
        assert.equal(cvm.kmsPublicKey, emulator.kmsPublicKey);
        assert.deepEqual(cvm.allowedEnvs, []);
      }
    });

    it("an unknown CVM is a NotFoundError; Output form", async () => {
      await assert.rejects(getCvm({ cvmId: "no-such-cvm" }), NotFoundError);
      const app = seed(emulator, "multisig-env-demo");
      const cvm = await outputValue(getCvmOutput({ cvmId: pulumi.output(app.instance_id) }));
      assert.equal(cvm.name, app.name);
      assert.deepEqual(cvm.allowedEnvs, ["LOG_LEVEL"]);
    });
  });
});
