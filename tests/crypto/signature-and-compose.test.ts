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
  /** The official SDK's own compose hash (`getCvmComposeFile(...).getHash()`), the reference for every case. */
  const sdkHash = async (compose: Record<string, unknown>): Promise<string> => {
    const { withComposeMethods } = (await import("@phala/cloud")) as unknown as {
      withComposeMethods: (compose: Record<string, unknown>) => { getHash(): string };
    };
    return withComposeMethods(compose).getHash();
  };

  it("reproduces the vector's hash (sorted keys, indent 4, ':' separators)", async () => {
    assert.equal(composeHash(COMPOSE_VECTOR.appCompose), COMPOSE_VECTOR.hash);
    assert.equal(await sdkHash(COMPOSE_VECTOR.appCompose), COMPOSE_VECTOR.hash);
  });

  const cases: [string, Record<string, unknown>][] = [
    [
      "nested objects, arrays, null and a value containing '\": '",
      { b: { z: [1, { y: null, x: 'a": b' }], a: [] }, a: {} },
    ],
    ["an empty pre_launch_script", { ...COMPOSE_VECTOR.appCompose, pre_launch_script: "" }],
    ["a null pre_launch_script", { ...COMPOSE_VECTOR.appCompose, pre_launch_script: null }],
    ["a pre_launch_script", { ...COMPOSE_VECTOR.appCompose, pre_launch_script: "#!/bin/sh\necho hi\n" }],
    ["a bash_script with the docker-compose runner", { ...COMPOSE_VECTOR.appCompose, bash_script: "echo" }],
    [
      "a docker_compose_file with the bash runner",
      { ...COMPOSE_VECTOR.appCompose, runner: "bash", bash_script: "echo" },
    ],
    ["non-ASCII text and integer-like keys", { name: "café ✓", labels: { "10": "a", "9": "b", x: "c" } }],
    ["no runner and an empty key set", { docker_compose_file: "services: {}\n", allowed_envs: [] }],
  ];
  for (const [name, compose] of cases) {
    it(`equals the official SDK's hash for ${name}`, async () => {
      assert.equal(composeHash(compose), await sdkHash(compose));
    });
  }

  it("drops an empty pre_launch_script and the other runner's file before hashing", () => {
    const base = COMPOSE_VECTOR.appCompose;
    assert.equal(composeHash({ ...base, pre_launch_script: "" }), COMPOSE_VECTOR.hash);
    assert.equal(composeHash({ ...base, bash_script: "echo" }), COMPOSE_VECTOR.hash);
    assert.doesNotMatch(appComposeJson({ ...base, runner: "bash" }), /docker_compose_file/);
  });

  it("changes when allowed_envs change and ignores key order", () => {
    const reordered = Object.fromEntries(Object.entries(COMPOSE_VECTOR.appCompose).reverse());
    assert.equal(composeHash(reordered), COMPOSE_VECTOR.hash);
    assert.notEqual(composeHash({ ...COMPOSE_VECTOR.appCompose, allowed_envs: ["A"] }), COMPOSE_VECTOR.hash);
  });
});
