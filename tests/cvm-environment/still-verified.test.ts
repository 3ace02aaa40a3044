import assert from "node:assert/strict";
import type { CvmDetail } from "../../provider/api";
import { type EarlierEnvPublicKey, stillVerified } from "../../provider/cvm-environment/env-public-key";
import type { ResolvedCvm } from "../../provider/cvm-environment/resolve-cvm";

const KEY = "cd".repeat(32);
const APP = "50b0e827cc6c53f4010b57e588a18c5ef9388cc1";

const cvm = (changes: Partial<ResolvedCvm> = {}, detail: Partial<CvmDetail> = {}): ResolvedCvm => ({
  detail: { id: "cvm_1", name: "n", status: "running", ...detail } as CvmDetail,
  canonicalId: "cvm_1",
  appId: APP,
  chainId: 8453,
  kmsType: "base",
  ...changes,
});

const earlier: EarlierEnvPublicKey = {
  envPublicKey: KEY,
  envPublicKeyVerified: true,
  appId: APP,
  kmsType: "base",
  chainId: 8453,
};

describe("CvmEnvironment: an env public key verified in an earlier run", () => {
  it("holds for the same app under the same KMS when the detail names no other key", () => {
    assert.equal(stillVerified(earlier, cvm())?.hex, KEY);
    assert.equal(stillVerified(earlier, cvm({}, { envPublicKey: `0x${KEY.toUpperCase()}` }))?.verified, true);
  });

  it("is looked up again for another app, chain, KMS or key, for a key never verified, or without state", () => {
    assert.equal(stillVerified(earlier, cvm({ appId: "11".repeat(20) })), undefined);
    assert.equal(stillVerified(earlier, cvm({ chainId: 1 })), undefined);
    assert.equal(stillVerified(earlier, cvm({ kmsType: "ethereum" })), undefined);
    assert.equal(stillVerified(earlier, cvm({}, { envPublicKey: "ab".repeat(32) })), undefined);
    assert.equal(stillVerified({ ...earlier, envPublicKeyVerified: false }, cvm()), undefined);
    assert.equal(stillVerified(undefined, cvm()), undefined);
  });
});
