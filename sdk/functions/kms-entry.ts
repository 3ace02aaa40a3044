import type { KmsInfo } from "../../provider/api";
import { reportedKmsPublicKey } from "./reported-kms-public-key";

/** One KMS instance as Phala Cloud lists it. */
export interface KmsEntry {
  /** KMS id, usable wherever a KMS id or slug is expected (`getKmsInfo`, `getAppEnvEncryptPubKey`). */
  id: string;
  /** Human-readable slug such as `kms-base-prod9`; null when the KMS has none. */
  slug: string | null;
  /** URL of the KMS's RPC endpoint. */
  url: string;
  /** KMS software version, e.g. `v0.5.7`. */
  version: string;
  /** Chain id of the KMS's DstackKms contract (1 Ethereum, 8453 Base); null for an off-chain KMS. */
  chainId: number | null;
  /** True when the KMS is governed by a contract on a chain (`chainId` is set). */
  onchain: boolean;
  /** Address of the DstackKms (KmsAuth) contract; null for an off-chain KMS. */
  kmsContractAddress: string | null;
  /** App id of the KMS's gateway app, when the API reports one. */
  gatewayAppId: string | null;
  /**
   * The KMS's secp256k1 signing key (SEC1 hex) that signs app env public keys; null when the API
   * does not report it.
   */
  kmsPublicKey: string | null;
}

export function toKmsEntry(info: KmsInfo): KmsEntry {
  return {
    id: info.id,
    slug: info.slug ?? null,
    url: info.url,
    version: info.version,
    chainId: info.chainId ?? null,
    onchain: info.chainId !== null && info.chainId !== undefined,
    kmsContractAddress: info.kmsContractAddress ?? null,
    gatewayAppId: info.gatewayAppId ?? null,
    kmsPublicKey: reportedKmsPublicKey(info),
  };
}
