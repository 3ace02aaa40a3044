import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "viem";
import { fromHex, toHex } from "./hex";

const PREFIX = new TextEncoder().encode("dstack-env-encrypt-pubkey:");

/**
 * The KMS signature over an app's env public key (dstack kms `sign_message`): keccak256 of
 * `"dstack-env-encrypt-pubkey:" ‖ app id (20 bytes) ‖ public key (32 bytes)`, signed with the KMS secp256k1
 * key, returned as 65 bytes `r ‖ s ‖ v` (v = recovery id 0/1), lower-case hex.
 */
export function kmsSignEnvPublicKey(appId: string, publicKeyHex: string, kmsSecretKey: Uint8Array): string {
  const app = fromHex(appId, "app id");
  const key = fromHex(publicKeyHex, "env public key");
  const message = new Uint8Array(PREFIX.length + app.length + key.length);
  message.set(PREFIX, 0);
  message.set(app, PREFIX.length);
  message.set(key, PREFIX.length + app.length);
  const recovered = secp256k1.sign(fromHex(keccak256(message)), kmsSecretKey, {
    prehash: false,
    format: "recovered",
  });
  const wire = new Uint8Array(65);
  wire.set(recovered.subarray(1), 0);
  wire[64] = recovered[0] as number;
  return toHex(wire);
}

/** Compressed secp256k1 public key, `0x` + 66 hex (what `DstackKms.kmsInfo().k256Pubkey` holds). */
export const k256PublicKeyOf = (secretKey: Uint8Array): `0x${string}` =>
  `0x${toHex(secp256k1.getPublicKey(secretKey, true))}`;
