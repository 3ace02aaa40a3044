import assert from "node:assert/strict";
import {
  appComposeJson,
  bytesToHex,
  composeHash,
  envPublicKeyDigest,
  hexToBytes,
  kmsPublicKeyOf,
  recoverEnvPublicKeySigner,
  signEnvPublicKey,
  verifyEnvPublicKeySignature,
} from "../../provider/crypto";
import { COMPOSE_VECTOR, SIGNATURE_VECTOR as S } from "./vectors";

describe("KMS signature over an env public key", () => {
  const binding = { appId: S.appId, publicKey: S.envPublicKey };

  it("reproduces the vector's digest, signature and KMS key", () => {
    assert.equal(bytesToHex(envPublicKeyDigest(binding)), S.digest);
    assert.equal(signEnvPublicKey({ ...binding, kmsSecretKey: hexToBytes(S.kmsSecretKey) }), S.signature);
    assert.equal(kmsPublicKeyOf(hexToBytes(S.kmsSecretKey)), S.kmsPublicKey);
    assert.equal(recoverEnvPublicKeySigner({ ...binding, signature: S.signature }), S.kmsPublicKey);
  });

  it("verifies against the KMS key in compressed or uncompressed form, 0x optional", () => {
    assert.ok(
      verifyEnvPublicKeySignature({ ...binding, signature: S.signature, kmsPublicKey: S.kmsPublicKey }),
    );
    assert.ok(
      verifyEnvPublicKeySignature({
        ...binding,
        appId: `0x${S.appId}`,
        signature: `0x${S.signature}`,
        kmsPublicKey: S.kmsPublicKey,
      }),
    );
  });

  it("rejects another app id, another env key, another KMS key and a malformed signature", () => {
    const ok = { ...binding, signature: S.signature, kmsPublicKey: S.kmsPublicKey };
    assert.equal(verifyEnvPublicKeySignature({ ...ok, appId: "22".repeat(20) }), false);
    assert.equal(verifyEnvPublicKeySignature({ ...ok, publicKey: "00".repeat(32) }), false);
    assert.equal(
      verifyEnvPublicKeySignature({ ...ok, kmsPublicKey: kmsPublicKeyOf(hexToBytes("02".repeat(32))) }),
      false,
    );
    assert.equal(verifyEnvPublicKeySignature({ ...ok, signature: S.signature.slice(0, 128) }), false);
  });

  it("agrees with the official dstack SDK verifier (via @phala/cloud)", async () => {
    const sdk = (await import("@phala/cloud")) as unknown as {
      verifyEnvEncryptPublicKey(
        publicKey: Uint8Array,
        signature: Uint8Array,
        appId: string,
      ): Promise<string | null>;
    };
    const signer = await sdk.verifyEnvEncryptPublicKey(
      hexToBytes(S.envPublicKey),
      hexToBytes(S.signature),
      `0x${S.appId}`,
    );
    assert.equal(signer, S.kmsPublicKey);
  });
});

describe("compose hash", () => {
  it("reproduces the vector's hash (sorted keys, indent 4, ':' separators)", () => {
    assert.equal(composeHash(COMPOSE_VECTOR.appCompose), COMPOSE_VECTOR.hash);
  });

  it("serialises nested objects and arrays like Python's json.dumps(indent=4, sort_keys=True, separators=(',', ':'))", () => {
    const compose = { b: { z: [1, { y: null, x: 'a": b' }], a: [] }, a: {} };
    const expected = JSON.stringify(
      { a: {}, b: { a: [], z: [1, { x: 'a": b', y: null }] } },
      null,
      4,
    ).replace(/^(\s*"[^"]*"): /gm, "$1:");
    assert.equal(appComposeJson(compose), expected);
  });

  it("changes when allowed_envs change and ignores key order", () => {
    const reordered = Object.fromEntries(Object.entries(COMPOSE_VECTOR.appCompose).reverse());
    assert.equal(composeHash(reordered), COMPOSE_VECTOR.hash);
    assert.notEqual(composeHash({ ...COMPOSE_VECTOR.appCompose, allowed_envs: ["A"] }), COMPOSE_VECTOR.hash);
  });
});
