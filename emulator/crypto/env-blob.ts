import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { x25519 } from "@noble/curves/ed25519.js";
import { fromHex, toHex } from "./hex";

/** One variable of the dstack env list `{"env": [{key, value}, …]}`. */
export type EnvEntry = { key: string; value: string };

const KEY = 32;
const IV = 12;
const TAG = 16;

export class EnvBlobError extends Error {
  override name = "EnvBlobError";
}

/**
 * What the dstack guest does at boot with `encrypted_env` (dstack-util `dh_decrypt`, then the env JSON
 * parse): the blob is `ephemeral X25519 public key (32) ‖ IV (12) ‖ AES-256-GCM ciphertext ‖ tag (16)`, the
 * raw X25519 shared secret is the AES key, an all-zero shared secret is refused, and the plaintext must be
 * `{"env": [{"key": string, "value": string}, …]}`.
 */
export function openEnvBlob(encryptedEnv: string, appSecretKey: Uint8Array): EnvEntry[] {
  let blob: Uint8Array;
  try {
    blob = fromHex(encryptedEnv, "encrypted env");
  } catch (error) {
    throw new EnvBlobError((error as Error).message);
  }
  if (blob.length < KEY + IV + TAG)
    throw new EnvBlobError(`encrypted env is too short (${blob.length} bytes)`);
  const shared = x25519.getSharedSecret(appSecretKey, blob.subarray(0, KEY));
  if (shared.every((b) => b === 0)) throw new EnvBlobError("encrypted env uses a low-order ephemeral key");
  let text: string;
  try {
    const decipher = createDecipheriv("aes-256-gcm", shared, blob.subarray(KEY, KEY + IV));
    decipher.setAuthTag(blob.subarray(blob.length - TAG));
    const plain = Buffer.concat([
      decipher.update(blob.subarray(KEY + IV, blob.length - TAG)),
      decipher.final(),
    ]);
    text = new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new EnvBlobError("encrypted env does not decrypt with the app key (authentication failed)");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EnvBlobError("decrypted env is not JSON");
  }
  const list = (parsed as { env?: unknown } | null)?.env;
  if (!Array.isArray(list)) throw new EnvBlobError('decrypted env is not {"env": [...]}');
  return list.map((entry, index) => {
    const { key, value } = (entry ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== "string" || typeof value !== "string") {
      throw new EnvBlobError(`decrypted env entry ${index} needs string "key" and "value"`);
    }
    return { key, value };
  });
}

/** Encrypts an env list to an app's X25519 key (dstack's client-side scheme), for seeding CVMs. */
export function sealEnvBlob(env: readonly EnvEntry[], appPublicKey: Uint8Array): string {
  const ephemeral = x25519.utils.randomSecretKey();
  const iv = randomBytes(IV);
  const cipher = createCipheriv("aes-256-gcm", x25519.getSharedSecret(ephemeral, appPublicKey), iv);
  const plain = Buffer.from(JSON.stringify({ env: env.map(({ key, value }) => ({ key, value })) }), "utf8");
  const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return toHex(Buffer.concat([x25519.getPublicKey(ephemeral), iv, sealed]));
}

export const x25519PublicKeyOf = (secretKey: Uint8Array): Uint8Array => x25519.getPublicKey(secretKey);
