import { kmsPublicKeySchema } from "./argument-schemas";

/**
 * The KMS secp256k1 signing key (`k256Pubkey`) carried by an API object, or null. Only newer API
 * shapes report it, and only where the client passes it through; a malformed value counts as absent.
 */
export function reportedKmsPublicKey(value: object): string | null {
  const key = "k256Pubkey" in value ? value.k256Pubkey : undefined;
  return typeof key === "string" && kmsPublicKeySchema().safeParse(key).success ? key.trim() : null;
}
