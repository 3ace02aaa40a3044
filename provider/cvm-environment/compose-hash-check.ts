import { composeHash } from "../crypto";
import { bareHex } from "../normalize";
import { ComposeHashMismatchError } from "./errors";
import type { CvmEnvironmentApi } from "./ports";

/**
 * Before anything is signed: the hash the API asks for must be the one the CVM's own compose file
 * yields once `allowed_envs` is the new key set. Otherwise the signer would approve a compose it has
 * not seen.
 */
export async function verifyComposeHashForKeys(
  api: CvmEnvironmentApi,
  cvmId: string,
  envKeys: readonly string[],
  requestedHash: string,
): Promise<void> {
  const composeFile = await api.getComposeFile(cvmId);
  const keys = [...envKeys].sort();
  const computed = composeHash({ ...composeFile, allowed_envs: keys });
  const requested = bareHex(requestedHash);
  if (computed !== requested) throw new ComposeHashMismatchError(requested, computed, keys);
}
