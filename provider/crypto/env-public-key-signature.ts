import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "viem";
import { bytesToHex, hexToBytes } from "./hex";

const PREFIX = new TextEncoder().encode("dstack-env-encrypt-pubkey:");

interface EnvPublicKeyBinding {
  /** The app id: 20 bytes as hex, `0x` optional. */
  appId: string;
  /** The X25519 env public key: 32 bytes as hex, `0x` optional. */
  publicKey: string;
}

/** keccak256("dstack-env-encrypt-pubkey:" ‖ appId ‖ publicKey): what the KMS signs. */
export function envPublicKeyDigest({ appId, publicKey }: EnvPublicKeyBinding): Uint8Array {
  const app = hexToBytes(appId, "app id");
  const key = hexToBytes(publicKey, "env public key");
  if (app.length !== 20) throw new TypeError("app id must be 20 bytes (40 hex digits)");
  if (key.length !== 32) throw new TypeError("env public key must be 32 bytes (64 hex digits)");
  const message = new Uint8Array(PREFIX.length + 52);
  message.set(PREFIX, 0);
  message.set(app, PREFIX.length);
  message.set(key, PREFIX.length + 20);
  return hexToBytes(keccak256(message));
}

/** The KMS signature: hex of r ‖ s ‖ v (65 bytes, v = recovery id 0/1), without `0x`. */
export function signEnvPublicKey(binding: EnvPublicKeyBinding & { kmsSecretKey: Uint8Array }): string {
  const recovered = secp256k1.sign(envPublicKeyDigest(binding), binding.kmsSecretKey, {
    prehash: false,
    format: "recovered",
  });
  // noble puts the recovery byte first; the KMS wire format puts it last.
  const wire = new Uint8Array(65);
  wire.set(recovered.subarray(1), 0);
  wire[64] = recovered[0] as number;
  return bytesToHex(wire);
}

/** Compressed secp256k1 public key (0x-hex) of a KMS signing key. */
export function kmsPublicKeyOf(kmsSecretKey: Uint8Array): string {
  return `0x${bytesToHex(secp256k1.getPublicKey(kmsSecretKey, true))}`;
}

/** The compressed public key (0x-hex) that produced `signature`, or throws if it is malformed. */
export function recoverEnvPublicKeySigner(binding: EnvPublicKeyBinding & { signature: string }): string {
  const wire = hexToBytes(binding.signature, "signature");
  if (wire.length !== 65) throw new TypeError("signature must be 65 bytes (r ‖ s ‖ v)");
  const v = wire[64] as number;
  const recoveryId = v >= 27 ? v - 27 : v;
  if (recoveryId > 3) throw new TypeError("signature recovery id must be 0 or 1");
  const recovered = new Uint8Array(65);
  recovered[0] = recoveryId;
  recovered.set(wire.subarray(0, 64), 1);
  const point = secp256k1.recoverPublicKey(recovered, envPublicKeyDigest(binding), { prehash: false });
  return `0x${bytesToHex(secp256k1.Point.fromBytes(point).toBytes(true))}`;
}

/** True when `signature` binds `publicKey` to `appId` under the KMS key `kmsPublicKey` (any SEC1 form). */
export function verifyEnvPublicKeySignature(
  binding: EnvPublicKeyBinding & { signature: string; kmsPublicKey: string },
): boolean {
  let signer: string;
  try {
    signer = recoverEnvPublicKeySigner(binding);
  } catch {
    return false;
  }
  const expected = secp256k1.Point.fromBytes(hexToBytes(binding.kmsPublicKey, "KMS public key")).toBytes(
    true,
  );
  return signer === `0x${bytesToHex(expected)}`;
}
