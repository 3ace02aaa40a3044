import type { CvmKmsInfo, PhalaClient } from "./api";
import { kmsSigningKeyOnChain } from "./chain";
import { sameHex } from "./normalize";

/** The chain names `GET /kms/on-chain/{chain}` accepts, by chain id. */
const ON_CHAIN_KMS_CHAINS: Readonly<Record<number, string>> = { 1: "ethereum", 8453: "base" };

type KmsSigningKeySource = "cvm-detail" | "api-on-chain-list" | "dstack-kms-contract";

export interface KmsSigningKeyLookup {
  /** The KMS's secp256k1 signing key (SEC1 hex), when a source had it. */
  readonly key?: string;
  readonly source?: KmsSigningKeySource;
  /** One line per source that had nothing (or failed), for an error that says what was tried. */
  readonly misses: readonly string[];
}

/** What the lookup needs of a CVM detail. */
interface KmsOfCvm {
  readonly kmsType?: string;
  readonly kmsInfo?: CvmKmsInfo;
}

/**
 * The signing key of a CVM's KMS, from the first source that has it: the CVM detail's
 * `kms_info.k256_pubkey` (newer API versions), the API's `GET /kms/on-chain/{chain}` entry whose
 * contract is the CVM's DstackKms (`dstack_kms_address`) on the CVM's chain, and, when `rpcUrl` is
 * given, `DstackKms.kmsInfo()` read on that chain (the RPC must serve it). API and RPC failures are
 * recorded as misses, since another source may still answer.
 */
export async function findKmsSigningKey(
  api: Pick<PhalaClient, "getKmsOnChainDetail">,
  cvm: KmsOfCvm,
  rpcUrl?: string,
): Promise<KmsSigningKeyLookup> {
  const kmsInfo = cvm.kmsInfo;
  if (kmsInfo?.k256Pubkey) return { key: kmsInfo.k256Pubkey, source: "cvm-detail", misses: [] };
  const kmsContract = kmsInfo?.dstackKmsAddress;
  const chainId = kmsInfo?.chainId;
  if (!kmsContract || chainId === undefined) {
    return { misses: ["the CVM detail names no DstackKms contract and chain"] };
  }
  const misses: string[] = [];
  const chain =
    cvm.kmsType === "ethereum" || cvm.kmsType === "base" ? cvm.kmsType : ON_CHAIN_KMS_CHAINS[chainId];
  if (chain) {
    try {
      const detail = await api.getKmsOnChainDetail(chain);
      const entry = detail.contracts.find(
        (c) => sameHex(c.contractAddress, kmsContract) && c.chainId === chainId,
      );
      if (entry?.k256Pubkey) return { key: entry.k256Pubkey, source: "api-on-chain-list", misses };
      misses.push(`GET /kms/on-chain/${chain} lists no signing key for ${kmsContract} on chain ${chainId}`);
    } catch (error) {
      misses.push(`GET /kms/on-chain/${chain} failed: ${(error as Error).message}`);
    }
  }
  if (!rpcUrl) {
    misses.push("no chain RPC URL to read DstackKms.kmsInfo()");
    return { misses };
  }
  try {
    const key = await kmsSigningKeyOnChain({ rpcUrl, expectedChainId: chainId, kmsContract });
    if (key) return { key, source: "dstack-kms-contract", misses };
    misses.push(`DstackKms.kmsInfo() at ${kmsContract} holds no signing key`);
  } catch (error) {
    misses.push(`reading DstackKms.kmsInfo() at ${kmsContract} failed: ${(error as Error).message}`);
  }
  return { misses };
}
