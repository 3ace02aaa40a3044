import type { KmsOnChainDetail } from "../api";
import type { CvmEnvironmentApi } from "./ports";

/** On-chain KMS details by chain name, kept for the life of one provider (one process). */
export type KmsOnChainCache = Map<string, Promise<KmsOnChainDetail>>;

/**
 * `GET /kms/on-chain/{chain}` asked once per chain and then answered from `cache`: the answer (the
 * chain's KMS contracts and signing keys) is the same for every CVM. A failed lookup is forgotten, so
 * the next one asks again.
 */
export const sharedKmsLookups =
  (api: Pick<CvmEnvironmentApi, "getKmsOnChainDetail">, cache: KmsOnChainCache) =>
  (chain: string): Promise<KmsOnChainDetail> => {
    const known = cache.get(chain);
    if (known) return known;
    const lookup = api.getKmsOnChainDetail(chain);
    cache.set(chain, lookup);
    lookup.catch(() => {
      if (cache.get(chain) === lookup) cache.delete(chain);
    });
    return lookup;
  };
