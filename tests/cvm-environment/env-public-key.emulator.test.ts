import assert from "node:assert/strict";
import type { KmsOnChainDetail } from "../../provider/api";
import { hexToBytes, kmsPublicKeyOf } from "../../provider/crypto";
import { EnvPublicKeyError } from "../../provider/cvm-environment/errors";
import { apiFor } from "../../provider/cvm-environment/session";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, patchCount, providerWithApi } from "./helpers/harness";

/**
 * The env public key of an on-chain CVM whose detail has the published 2026-01-21 shape: no
 * `kms_info.k256_pubkey` (and no `encrypted_env_pubkey`). The KMS signing key must come from another
 * source, or the update is refused unless `allowUnverifiedEnvPublicKey` is set.
 */
describe("CvmEnvironment: env public key of an on-chain CVM without k256_pubkey", function () {
  this.timeout(120_000);
  const emu = useEmulator({ settings: { operationDurationMs: 50 } });

  const target = () => {
    const found = emu.cvms.find((c) => c.name === "onchain-env-demo");
    assert.ok(found);
    return found;
  };
  const onChainRequests = () => emu.requests().filter((r) => r.path.includes("/kms/on-chain/")).length;

  /**
   * The production client with an optional on-chain KMS list and optionally another `dstack_kms_address`
   * (e.g. one without a contract, so `kmsInfo()` has no answer).
   */
  const providerWith = (
    onChain?: (real: () => Promise<KmsOnChainDetail>) => Promise<KmsOnChainDetail>,
    dstackKmsAddress?: string,
  ) =>
    providerWithApi(emu, (client) => ({
      getCvm: async (id) => {
        const detail = await client.getCvm(id);
        return dstackKmsAddress && detail.kmsInfo
          ? { ...detail, kmsInfo: { ...detail.kmsInfo, dstackKmsAddress } }
          : detail;
      },
      getKmsOnChainDetail: (chain) =>
        onChain ? onChain(() => client.getKmsOnChainDetail(chain)) : client.getKmsOnChainDetail(chain),
    }));

  it("the emulator's detail has the published shape: no KMS signing key, no env key", async () => {
    const detail = await apiFor({ apiKey: emu.apiKey, apiUrl: emu.apiUrl }).getCvm(target().id);
    assert.equal(detail.kmsInfo?.k256Pubkey, undefined);
    assert.equal(detail.envPublicKey, undefined);
    assert.equal(typeof detail.kmsInfo?.chainId, "number");
  });

  it("takes the KMS signing key from GET /kms/on-chain/{chain} and verifies the env key", async () => {
    const { provider } = await providerWith();
    const stack = new OneResourceStack(provider);
    const before = onChainRequests();
    await stack.up({ cvmId: target().id, env: { API_KEY: "a" } });
    assert.equal(stack.state?.outputs.envPublicKeyVerified, true);
    assert.ok(onChainRequests() > before);
    assert.deepEqual(emu.inspectCvm(target().id).env, { API_KEY: "a" });
    await stack.destroy();
  });

  it("refuses a key whose signature does not match the listed KMS key, before anything is sent", async () => {
    const { provider } = await providerWith(async (real) => {
      const detail = await real();
      const wrongKey = kmsPublicKeyOf(hexToBytes("07".repeat(32)));
      return { ...detail, contracts: detail.contracts.map((c) => ({ ...c, k256Pubkey: wrongKey })) };
    });
    const stack = new OneResourceStack(provider);
    const patches = patchCount(emu);
    await assert.rejects(stack.up({ cvmId: target().id, env: { API_KEY: "a" } }), (error: unknown) => {
      assert.ok(error instanceof EnvPublicKeyError);
      assert.match(error.message, /not signed by the KMS key/);
      return true;
    });
    assert.equal(patchCount(emu), patches);
  });

  it("an on-chain KMS missing from the API's list: the signing key is read from DstackKms.kmsInfo()", async () => {
    const unlisted = async (real: () => Promise<KmsOnChainDetail>) => ({ ...(await real()), contracts: [] });
    const { provider, reports } = await providerWith(unlisted);
    const stack = new OneResourceStack(provider);
    await stack.up({ cvmId: target().id, env: { API_KEY: "k" } });
    assert.equal(stack.state?.outputs.envPublicKeyVerified, true);
    assert.ok(
      reports.some((line) => /DstackKms\.kmsInfo\(\)/.test(line)),
      reports.join("\n"),
    );
    await stack.destroy();
  });

  it("without any source of the signing key: refused unless allowUnverifiedEnvPublicKey is set", async () => {
    const unlisted = async (real: () => Promise<KmsOnChainDetail>) => ({ ...(await real()), contracts: [] });
    // The emulator's DstackKms answers kmsInfo(); an address without a contract does not.
    const { provider } = await providerWith(unlisted, `0x${"42".repeat(20)}`);
    const stack = new OneResourceStack(provider);
    const patches = patchCount(emu);
    await assert.rejects(stack.up({ cvmId: target().id, env: { API_KEY: "a" } }), (error: unknown) => {
      assert.ok(error instanceof EnvPublicKeyError);
      assert.match(error.message, /cannot be verified/);
      assert.match(error.message, /allowUnverifiedEnvPublicKey: true/);
      assert.match(error.message, /lists no signing key/);
      assert.match(error.message, /DstackKms\.kmsInfo\(\)/);
      return true;
    });
    assert.equal(patchCount(emu), patches, "nothing sent");

    await stack.up({ cvmId: target().id, env: { API_KEY: "a" }, allowUnverifiedEnvPublicKey: true });
    assert.equal(stack.state?.outputs.envPublicKeyVerified, false);
    assert.deepEqual(emu.inspectCvm(target().id).env, { API_KEY: "a" });
    await stack.destroy();
  });

  it("an update encrypts to the key verified at create; a CVM detail naming another key is checked again", async () => {
    const pubkeyRequests = () => emu.requests().filter((r) => r.path.includes("/pubkey/")).length;
    const { provider } = await providerWith();
    const stack = new OneResourceStack(provider);
    await stack.up({ cvmId: target().id, env: { API_KEY: "a" } });
    const verifiedKey = stack.state?.outputs.envPublicKey;
    assert.equal(stack.state?.outputs.envPublicKeyVerified, true);

    const lookups = pubkeyRequests();
    await stack.up({ cvmId: target().id, env: { API_KEY: "b" } });
    assert.equal(pubkeyRequests(), lookups, "no KMS lookup");
    assert.deepEqual(emu.inspectCvm(target().id).env, { API_KEY: "b" }, "the CVM decrypted it");
    assert.equal(stack.state?.outputs.envPublicKey, verifiedKey);

    const { provider: otherKey } = await providerWithApi(emu, (client) => ({
      getCvm: async (id) => ({ ...(await client.getCvm(id)), envPublicKey: "ab".repeat(32) }),
    }));
    const changed = new OneResourceStack(otherKey);
    changed.state = stack.state;
    const patches = patchCount(emu);
    await assert.rejects(changed.up({ cvmId: target().id, env: { API_KEY: "c" } }), (error: unknown) => {
      assert.ok(error instanceof EnvPublicKeyError);
      assert.match(error.message, /disagree on the env public key/);
      return true;
    });
    assert.ok(pubkeyRequests() > lookups, "looked up and verified again");
    assert.equal(patchCount(emu), patches, "nothing sent");
    await stack.destroy();
  });
});
