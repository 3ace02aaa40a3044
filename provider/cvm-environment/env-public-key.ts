import { parseEnvPublicKey, verifyEnvPublicKeySignature } from "../crypto";
import { findKmsSigningKey, type KmsSigningKeyLookup } from "../kms-signing-key";
import { bareHex } from "../normalize";
import { EnvPublicKeyError } from "./errors";
import type { ComputedOutputs } from "./outputs";
import type { FlowContext } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

export interface EnvPublicKey {
  readonly bytes: Uint8Array;
  /** 64 lower-case hex, no 0x. */
  readonly hex: string;
  /** True only when the KMS signature over the key was checked against the KMS k256 key. */
  readonly verified: boolean;
}

/** What state recorded of the env public key an earlier run encrypted to, and of the CVM it was for. */
export type EarlierEnvPublicKey = Pick<
  ComputedOutputs,
  "envPublicKey" | "envPublicKeyVerified" | "appId" | "kmsType" | "chainId"
>;

/**
 * A key verified in an earlier run still holds while the CVM belongs to the same app under the same
 * KMS (the KMS derives the key from the app) and its detail names no other key: it is not looked up
 * and verified again. Anything else (another app, KMS or key, a key not verified) looks it up.
 */
export function stillVerified(
  earlier: EarlierEnvPublicKey | undefined,
  cvm: ResolvedCvm,
): EnvPublicKey | undefined {
  if (!earlier?.envPublicKeyVerified || !earlier.envPublicKey) return undefined;
  const fromDetail = cvm.detail.envPublicKey;
  const same =
    earlier.appId === cvm.appId &&
    earlier.kmsType === cvm.kmsType &&
    earlier.chainId === cvm.chainId &&
    (fromDetail === undefined || bareHex(fromDetail) === earlier.envPublicKey);
  return same ? { ...parse(earlier.envPublicKey), verified: true } : undefined;
}

/**
 * The CVM's env-encryption key. When the KMS signing key is known the signed KMS endpoint is used and
 * its signature must verify (and agree with any key in the CVM detail); a bad signature is refused.
 *
 * For an on-chain KMS the signing key is always looked up: the CVM detail's `kms_info.k256_pubkey`,
 * else the API's `GET /kms/on-chain/{chain}` entry whose contract is the CVM's DstackKms, else
 * `DstackKms.kmsInfo()` read over the chain RPC. A key that cannot be verified is refused unless
 * `allowUnverified` (the `allowUnverifiedEnvPublicKey` input) is set. For the Phala-operated KMS the
 * key is verified when the detail names the signing key and used as given otherwise.
 */
export async function resolveEnvPublicKey(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  allowUnverified: boolean,
  earlier?: EarlierEnvPublicKey,
): Promise<EnvPublicKey> {
  const known = stillVerified(earlier, cvm);
  if (known) return known;
  const kmsInfo = cvm.detail.kmsInfo;
  const fromDetail = cvm.detail.envPublicKey;
  const kms = kmsInfo?.slug ?? kmsInfo?.id ?? cvm.kmsType;
  const onChain = cvm.chainId !== undefined;
  const lookup: KmsSigningKeyLookup = onChain
    ? await findKmsSigningKey(
        { getKmsOnChainDetail: ctx.kmsOnChainDetail },
        cvm.detail,
        ctx.signer.rpcUrl ?? kmsInfo?.rpcEndpoint,
      )
    : { ...(kmsInfo?.k256Pubkey ? { key: kmsInfo.k256Pubkey } : {}), misses: [] };
  const { key: kmsPublicKey, misses: lookups } = lookup;
  if (lookup.source === "dstack-kms-contract") {
    ctx.report(`KMS signing key read from DstackKms.kmsInfo() at ${kmsInfo?.dstackKmsAddress}`);
  }

  if (kmsPublicKey && cvm.appId && kms) {
    const signed = await ctx.api.getAppEnvEncryptPubkey(kms, cvm.appId);
    let valid: boolean;
    try {
      valid = verifyEnvPublicKeySignature({
        appId: cvm.appId,
        publicKey: signed.publicKey,
        signature: signed.signature,
        kmsPublicKey,
      });
    } catch (error) {
      throw new EnvPublicKeyError(
        `The KMS signing key ${kmsPublicKey} or the env public key is malformed (${(error as Error).message}); refusing to encrypt.`,
      );
    }
    if (!valid) {
      throw new EnvPublicKeyError(
        `The env public key for app ${cvm.appId} is not signed by the KMS key ${kmsPublicKey}; refusing to encrypt to it.`,
      );
    }
    const key = parse(signed.publicKey);
    if (fromDetail && bareHex(fromDetail) !== key.hex) {
      throw new EnvPublicKeyError(
        `The CVM detail and the KMS disagree on the env public key of app ${cvm.appId}; refusing to encrypt.`,
      );
    }
    return { ...key, verified: true };
  }
  if (onChain && !allowUnverified) {
    throw new EnvPublicKeyError(
      `The env public key of CVM ${cvm.canonicalId} cannot be verified: the KMS signing key of its on-chain KMS ` +
        `was not found (${lookups.join("; ") || "no app id or KMS to ask"}). Nothing was encrypted or sent. ` +
        "Configure an RPC URL for the KMS's chain (phala:rpcUrl, ETH_RPC_URL or the rpcUrl input) so the key can be " +
        "read from DstackKms.kmsInfo(), or set allowUnverifiedEnvPublicKey: true to encrypt to the key the API reports.",
    );
  }
  if (onChain)
    ctx.report(`Env public key not verified (allowUnverifiedEnvPublicKey: true): ${lookups.join("; ")}`);
  if (fromDetail) return { ...parse(fromDetail), verified: false };
  if (cvm.appId && kms) {
    const unsigned = await ctx.api.getAppEnvEncryptPubkey(kms, cvm.appId);
    return { ...parse(unsigned.publicKey), verified: false };
  }
  throw new EnvPublicKeyError(
    `CVM ${cvm.canonicalId} reports no env public key and no app id/KMS to ask for one.`,
  );
}

function parse(hex: string): { bytes: Uint8Array; hex: string } {
  try {
    return { bytes: parseEnvPublicKey(hex), hex: bareHex(hex) };
  } catch (error) {
    throw new EnvPublicKeyError(
      `The env public key the API returned is malformed: ${(error as Error).message}`,
    );
  }
}
