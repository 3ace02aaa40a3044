import assert from "node:assert/strict";
import { createDecipheriv, createPrivateKey, createPublicKey, diffieHellman } from "node:crypto";
import {
  decryptEnv,
  decryptEnvText,
  EnvDecryptError,
  encryptEnv,
  envPlaintext,
  hexToBytes,
  InvalidEnvPublicKeyError,
  parseEnvPublicKey,
  randomX25519SecretKey,
  x25519PublicKey,
} from "../../provider/crypto";
import { DSTACK_GUEST_VECTOR, ENCRYPTION_VECTOR as V } from "./vectors";

/**
 * An independent decrypt with node:crypto only (no noble): X25519 with the blob's ephemeral key, then
 * AES-256-GCM; blob = ephemeral public key (32) ‖ IV (12) ‖ ciphertext ‖ tag (16).
 */
function nodeDecrypt(encryptedHex: string, secretKeyHex: string): string {
  const blob = Buffer.from(encryptedHex, "hex");
  const pkcs8 = Buffer.concat([
    Buffer.from("302e020100300506032b656e04220420", "hex"),
    Buffer.from(secretKeyHex, "hex"),
  ]);
  const spki = Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), blob.subarray(0, 32)]);
  const key = diffieHellman({
    privateKey: createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }),
    publicKey: createPublicKey({ key: spki, format: "der", type: "spki" }),
  });
  const decipher = createDecipheriv("aes-256-gcm", key, blob.subarray(32, 44));
  decipher.setAuthTag(blob.subarray(blob.length - 16));
  return Buffer.concat([decipher.update(blob.subarray(44, blob.length - 16)), decipher.final()]).toString(
    "utf8",
  );
}

describe("env encryption", () => {
  it("reproduces the project's vector byte for byte", () => {
    const blob = encryptEnv(V.env, parseEnvPublicKey(V.envPublicKey), {
      ephemeralSecretKey: hexToBytes(V.ephemeralSecretKey),
      iv: hexToBytes(V.iv),
    });
    assert.equal(blob, V.encryptedEnv);
    assert.equal(envPlaintext(V.env), V.plaintext);
  });

  it("decrypts the project's vector and the dstack-util test_dh_decrypt vector", () => {
    assert.deepEqual(decryptEnv(V.encryptedEnv, hexToBytes(V.envSecretKey)), V.env);
    assert.equal(
      decryptEnvText(DSTACK_GUEST_VECTOR.encryptedEnv, hexToBytes(DSTACK_GUEST_VECTOR.secretKey)),
      DSTACK_GUEST_VECTOR.plaintext,
    );
  });

  it("uses a fresh ephemeral key and IV each time, and round-trips", () => {
    const secretKey = randomX25519SecretKey();
    const publicKey = x25519PublicKey(secretKey);
    const env = [
      { key: "UNICODE", value: "ключ ✓" },
      { key: "EMPTY", value: "" },
    ];
    const a = encryptEnv(env, publicKey);
    const b = encryptEnv(env, publicKey);
    assert.notEqual(a.slice(0, 88), b.slice(0, 88));
    assert.equal(a.length, 2 * (60 + Buffer.byteLength(envPlaintext(env))));
    assert.match(a, /^[0-9a-f]+$/);
    assert.deepEqual(decryptEnv(a, secretKey), env);
  });

  it("is readable by an independent node:crypto decrypt", () => {
    const blob = encryptEnv(V.env, parseEnvPublicKey(V.envPublicKey));
    assert.equal(nodeDecrypt(blob, V.envSecretKey), V.plaintext);
  });

  it("decrypts what the official dstack SDK encrypts (via @phala/cloud)", async () => {
    const { encryptEnvVars } = (await import("@phala/cloud")) as unknown as {
      encryptEnvVars(env: { key: string; value: string }[], publicKeyHex: string): Promise<string>;
    };
    for (const publicKeyHex of [V.envPublicKey, `0x${V.envPublicKey}`]) {
      const blob = await encryptEnvVars([...V.env], publicKeyHex);
      assert.deepEqual(decryptEnv(blob, hexToBytes(V.envSecretKey)), V.env);
    }
  });

  it("refuses a wrong key, a tampered blob and a short blob without echoing them", () => {
    const wrong = randomX25519SecretKey();
    assert.throws(() => decryptEnv(V.encryptedEnv, wrong), EnvDecryptError);
    const tampered = `${V.encryptedEnv.slice(0, -2)}00`;
    assert.throws(() => decryptEnv(tampered, hexToBytes(V.envSecretKey)), /authentication failed/);
    assert.throws(() => decryptEnv("abcd", hexToBytes(V.envSecretKey)), /60-byte minimum/);
  });

  it('refuses a blob whose plaintext is not {"env":[...]}', () => {
    assert.throws(
      () => decryptEnv(DSTACK_GUEST_VECTOR.encryptedEnv, hexToBytes(DSTACK_GUEST_VECTOR.secretKey)),
      /not of the form/,
    );
  });
});

describe("env public key parsing", () => {
  it("accepts 64 hex digits with or without 0x", () => {
    assert.deepEqual(parseEnvPublicKey(`0x${V.envPublicKey}`), parseEnvPublicKey(V.envPublicKey));
    assert.equal(parseEnvPublicKey(V.envPublicKey.toUpperCase()).length, 32);
  });

  it("rejects wrong lengths and non-hex with a clear error", () => {
    assert.throws(() => parseEnvPublicKey(V.envPublicKey.slice(2)), /32 bytes \(64 hex digits\), got 31/);
    assert.throws(() => parseEnvPublicKey(`${V.envPublicKey}00`), InvalidEnvPublicKeyError);
    assert.throws(() => parseEnvPublicKey("zz".repeat(32)), /must be hex/);
    assert.throws(() => parseEnvPublicKey(""), /got 0 bytes/);
  });

  it("matches node's own X25519 public key derivation", () => {
    const secretKey = randomX25519SecretKey();
    const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), secretKey]);
    const spki = createPublicKey(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" })).export({
      format: "der",
      type: "spki",
    });
    assert.deepEqual(Buffer.from(x25519PublicKey(secretKey)), spki.subarray(12));
  });
});
