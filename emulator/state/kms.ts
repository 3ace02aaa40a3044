import { createHash } from "node:crypto";
import { x25519PublicKeyOf } from "../crypto/env-blob";
import { fromHex, toHex } from "../crypto/hex";
import { k256PublicKeyOf, kmsSignEnvPublicKey } from "../crypto/kms-signature";
import { deterministicHex, hashedId } from "./ids";

/** `KmsInfo` (the API's KMS entry) plus the emulator-side kind and the k256 public key. */
export type KmsEntry = {
  id: string;
  slug: string;
  url: string;
  version: string;
  chain_id: number | null;
  kms_contract_address: string | null;
  gateway_app_id: string | null;
  /** `phala` for the off-chain KMS, else the chain name (`ethereum`, `base`). */
  kind: "phala" | "ethereum" | "base";
};

/**
 * The `KmsInfo` object: the seven documented keys, plus the KMS signing key as the passthrough `k256_pubkey`
 * (an assumption: the document does not list it; newer API versions carry it in their KMS lists).
 */
export function kmsInfoView(entry: KmsEntry, k256Pubkey: string): Record<string, unknown> {
  return {
    id: entry.id,
    slug: entry.slug,
    url: entry.url,
    version: entry.version,
    chain_id: entry.chain_id,
    kms_contract_address: entry.kms_contract_address,
    gateway_app_id: entry.gateway_app_id,
    k256_pubkey: k256Pubkey,
  };
}

/**
 * The emulator's key management service: one secp256k1 key signs env public keys, and each app's X25519
 * env key is derived from a root secret and the app id, so it is stable per app (as with dstack's KMS,
 * which derives it with `derive_dh_secret(root_key, [app_id, "env-encrypt-key"])`).
 */
export class KeyService {
  readonly k256SecretKey: Uint8Array;
  readonly k256PublicKey: `0x${string}`;

  constructor(private readonly rootKey: Uint8Array) {
    this.k256SecretKey = fromHex(
      createHash("sha256").update(rootKey).update("dstack-kms-k256").digest("hex"),
    );
    this.k256PublicKey = k256PublicKeyOf(this.k256SecretKey);
  }

  /** X25519 secret key of an app (40 hex app id, `0x` optional). */
  envSecretKey(appId: string): Uint8Array {
    const id = normalizeAppId(appId);
    return new Uint8Array(
      createHash("sha256").update(this.rootKey).update(fromHex(id)).update("env-encrypt-key").digest(),
    );
  }

  envPublicKeyHex(appId: string): string {
    return toHex(x25519PublicKeyOf(this.envSecretKey(appId)));
  }

  /** `{public_key, signature}` as `GET /kms/{kms}/pubkey/{app_id}` returns it. */
  signedEnvPublicKey(appId: string): { public_key: string; signature: string } {
    const id = normalizeAppId(appId);
    const publicKey = this.envPublicKeyHex(id);
    return {
      public_key: publicKey,
      signature: kmsSignEnvPublicKey(id, publicKey, this.k256SecretKey),
    };
  }
}

export function normalizeAppId(appId: string): string {
  const id = appId.replace(/^0x/i, "").replace(/^app_/, "").toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(id)) throw new TypeError("app id must be 40 hex digits");
  return id;
}

/**
 * The seeded KMS list: enough entries (25) that paging matters. The first three are the ones CVMs use; the
 * `ethereum` one (`kms-ethereum-local`) is the DstackKms deployed on the local chain (`localKmsContract`),
 * the other on-chain entries carry placeholder contract addresses.
 */
export function seedKmsEntries(chainId: number, localKmsContract: string): KmsEntry[] {
  const entries: KmsEntry[] = [];
  const add = (kind: KmsEntry["kind"], slug: string, chain: number | null, version = "v0.5.7") =>
    entries.push({
      id: hashedId("kms", slug),
      slug,
      url: `https://${slug}.kms.emulator.invalid:8000`,
      version,
      chain_id: chain,
      kms_contract_address:
        chain === null
          ? null
          : slug === LOCAL_KMS_SLUG
            ? localKmsContract
            : `0x${deterministicHex(20, `kms-contract:${slug}`)}`,
      gateway_app_id: gatewayAppId(slug),
      kind,
    });
  add("phala", "kms-phala-prod7", null);
  add("ethereum", LOCAL_KMS_SLUG, chainId);
  add("base", "kms-base-prod9", 8453);
  for (let i = 1; i <= 10; i++)
    add("phala", `kms-phala-prod${7 + i}`, null, i % 3 === 0 ? "v0.5.3" : "v0.5.7");
  for (let i = 1; i <= 6; i++) add("ethereum", `kms-ethereum-local${i}`, chainId);
  for (let i = 1; i <= 6; i++) add("base", `kms-base-prod${9 + i}`, 8453);
  return entries;
}

/** The slug of the KMS whose DstackKms runs on the local chain. */
export const LOCAL_KMS_SLUG = "kms-ethereum-local";

/** That KMS's gateway app id (also set on the local DstackKms with `setGatewayAppId`). */
export const LOCAL_GATEWAY_APP_ID: string = gatewayAppId(LOCAL_KMS_SLUG);

function gatewayAppId(slug: string): string {
  return `0x${deterministicHex(20, `gateway:${slug}`)}`;
}
