import type { KmsOnChainDetail } from "../api";
import type { CvmEnvironmentApi } from "./ports";

/** On-chain KMS details by chain name, kept for the life of one provider (one process). */
export type KmsOnChainCache = Map<string, Promise<KmsOnChainDetail>>;

/**
 * `api` whose `GET /kms/on-chain/{chain}` is asked once per chain and then answered from `cache`: the
 * answer (the chain's KMS contracts and signing keys) is the same for every CVM. A failed lookup is
 * forgotten, so the next one asks again.
 */
export function withSharedKmsLookups(api: CvmEnvironmentApi, cache: KmsOnChainCache): CvmEnvironmentApi {
  return {
    getCvm: (...args) => api.getCvm(...args),
    getComposeFile: (...args) => api.getComposeFile(...args),
    composeFileOfLastDetail: (...args) => api.composeFileOfLastDetail(...args),
    patchEnvs: (...args) => api.patchEnvs(...args),
    listOperations: (...args) => api.listOperations(...args),
    getAppEnvEncryptPubkey: (...args) => api.getAppEnvEncryptPubkey(...args),
    listCvms: (...args) => api.listCvms(...args),
    getKmsOnChainDetail: (chain) => {
      const known = cache.get(chain);
      if (known) return known;
      const lookup = api.getKmsOnChainDetail(chain);
      cache.set(chain, lookup);
      lookup.catch(() => {
        if (cache.get(chain) === lookup) cache.delete(chain);
      });
      return lookup;
    },
  };
}
