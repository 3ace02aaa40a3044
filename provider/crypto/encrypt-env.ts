import { gcm } from "@noble/ciphers/aes.js";
import { randomBytes } from "@noble/ciphers/utils.js";
import { x25519 } from "@noble/curves/ed25519.js";
import type { EnvVar } from "./env-var";
import { bytesToHex } from "./hex";

const IV_BYTES = 12;

interface EncryptEnvOptions {
  /** Fixed ephemeral X25519 secret key; only for reproducible test vectors. */
  ephemeralSecretKey?: Uint8Array;
  /** Fixed AES-GCM IV (12 bytes); only for reproducible test vectors. */
  iv?: Uint8Array;
}

/** The plaintext the guest parses: compact JSON `{"env":[{"key","value"}...]}`, order kept. */
export function envPlaintext(env: readonly EnvVar[]): string {
  return JSON.stringify({ env: env.map(({ key, value }) => ({ key, value })) });
}

/**
 * Encrypts an environment for a CVM: an ephemeral X25519 key agrees a secret with the CVM's env
 * public key, and that raw 32-byte secret is the AES-256-GCM key (the dstack scheme has no KDF).
 * Returns lowercase hex of `ephemeralPublicKey ‖ iv ‖ ciphertext ‖ tag`, without `0x`.
 */
export function encryptEnv(
  env: readonly EnvVar[],
  publicKey: Uint8Array,
  options: EncryptEnvOptions = {},
): string {
  const ephemeralSecretKey = options.ephemeralSecretKey ?? x25519.utils.randomSecretKey();
  const iv = options.iv ?? randomBytes(IV_BYTES);
  const sharedKey = x25519.getSharedSecret(ephemeralSecretKey, publicKey);
  const sealed = gcm(sharedKey, iv).encrypt(new TextEncoder().encode(envPlaintext(env)));
  const out = new Uint8Array(32 + IV_BYTES + sealed.length);
  out.set(x25519.getPublicKey(ephemeralSecretKey), 0);
  out.set(iv, 32);
  out.set(sealed, 32 + IV_BYTES);
  return bytesToHex(out);
}
