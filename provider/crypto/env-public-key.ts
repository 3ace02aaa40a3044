import { x25519 } from "@noble/curves/ed25519.js";
import { PhalaError } from "../phala-error";
import { hexToBytes } from "./hex";

const ENV_PUBLIC_KEY_BYTES = 32;

export class InvalidEnvPublicKeyError extends PhalaError {}

/** Parses an X25519 env-encryption public key: 64 hex digits, `0x` optional. */
export function parseEnvPublicKey(hex: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(hex.trim(), "env public key");
  } catch (error) {
    throw new InvalidEnvPublicKeyError((error as Error).message);
  }
  if (bytes.length !== ENV_PUBLIC_KEY_BYTES) {
    throw new InvalidEnvPublicKeyError(
      `env public key must be ${ENV_PUBLIC_KEY_BYTES} bytes (64 hex digits), got ${bytes.length} bytes`,
    );
  }
  return bytes;
}

export function randomX25519SecretKey(): Uint8Array {
  return x25519.utils.randomSecretKey();
}

export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}
