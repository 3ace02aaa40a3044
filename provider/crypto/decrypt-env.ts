import { gcm } from "@noble/ciphers/aes.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { PhalaError } from "../phala-error";
import type { EnvVar } from "./env-var";
import { hexToBytes } from "./hex";

const HEADER_BYTES = 32 + 12;
const TAG_BYTES = 16;

export class EnvDecryptError extends PhalaError {}

/** Decrypts an `encrypted_env` blob with the CVM's X25519 secret key and returns the plaintext. */
export function decryptEnvText(encryptedEnv: string, secretKey: Uint8Array): string {
  let blob: Uint8Array;
  try {
    blob = hexToBytes(encryptedEnv, "encrypted env");
  } catch (error) {
    throw new EnvDecryptError((error as Error).message);
  }
  if (blob.length < HEADER_BYTES + TAG_BYTES) {
    throw new EnvDecryptError(`encrypted env is ${blob.length} bytes, shorter than the 60-byte minimum`);
  }
  const shared = x25519.getSharedSecret(secretKey, blob.subarray(0, 32));
  if (shared.every((byte) => byte === 0)) {
    throw new EnvDecryptError("encrypted env uses a low-order ephemeral key");
  }
  try {
    const plain = gcm(shared, blob.subarray(32, HEADER_BYTES)).decrypt(blob.subarray(HEADER_BYTES));
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new EnvDecryptError("encrypted env does not decrypt with this key (authentication failed)");
  }
}

/** Decrypts and parses `{"env":[{"key","value"}...]}`, the only plaintext layout the guest accepts. */
export function decryptEnv(encryptedEnv: string, secretKey: Uint8Array): EnvVar[] {
  const text = decryptEnvText(encryptedEnv, secretKey);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EnvDecryptError("decrypted env is not JSON");
  }
  const list = (parsed as { env?: unknown } | null)?.env;
  if (!Array.isArray(list)) throw new EnvDecryptError('decrypted env is not of the form {"env":[...]}');
  return list.map((entry, index) => {
    const { key, value } = (entry ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== "string" || typeof value !== "string") {
      throw new EnvDecryptError(`decrypted env entry ${index} needs string "key" and "value"`);
    }
    return { key, value };
  });
}
