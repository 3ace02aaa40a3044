import { parseEnvPublicKey, strip0x, verifyEnvPublicKeySignature } from "../crypto";
import { EnvPublicKeyError } from "./errors";
import type { CvmEnvironmentApi } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

export interface EnvPublicKey {
  readonly bytes: Uint8Array;
  /** 64 lower-case hex, no 0x. */
  readonly hex: string;
  /** True only when the KMS signature over the key was checked against the KMS k256 key. */
  readonly verified: boolean;
}

/**
 * The CVM's env-encryption key. When the KMS signing key is known the signed KMS endpoint is used and
 * its signature must verify (and agree with any key in the CVM detail); a bad signature is refused.
 * Without a KMS key the key from the CVM detail (or the unsigned endpoint answer) is used unverified.
 */
export async function resolveEnvPublicKey(api: CvmEnvironmentApi, cvm: ResolvedCvm): Promise<EnvPublicKey> {
  const kmsInfo = cvm.detail.kmsInfo;
  const fromDetail = cvm.detail.envPublicKey ?? kmsInfo?.encryptedEnvPubkey;
  const kmsPublicKey = kmsInfo?.k256Pubkey;
  const kms = kmsInfo?.slug ?? kmsInfo?.id ?? cvm.kmsType;

  if (kmsPublicKey && cvm.appId && kms) {
    const signed = await api.getAppEnvEncryptPubkey(kms, cvm.appId);
    const valid = verifyEnvPublicKeySignature({
      appId: cvm.appId,
      publicKey: signed.publicKey,
      signature: signed.signature,
      kmsPublicKey,
    });
    if (!valid) {
      throw new EnvPublicKeyError(
        `The env public key for app ${cvm.appId} is not signed by the KMS key ${kmsPublicKey}; refusing to encrypt to it.`,
      );
    }
    const key = parse(signed.publicKey);
    if (fromDetail && normalize(fromDetail) !== key.hex) {
      throw new EnvPublicKeyError(
        `The CVM detail and the KMS disagree on the env public key of app ${cvm.appId}; refusing to encrypt.`,
      );
    }
    return { ...key, verified: true };
  }
  if (fromDetail) return { ...parse(fromDetail), verified: false };
  if (cvm.appId && kms) {
    const unsigned = await api.getAppEnvEncryptPubkey(kms, cvm.appId);
    return { ...parse(unsigned.publicKey), verified: false };
  }
  throw new EnvPublicKeyError(
    `CVM ${cvm.canonicalId} reports no env public key and no app id/KMS to ask for one.`,
  );
}

const normalize = (hex: string) => strip0x(hex.trim()).toLowerCase();

function parse(hex: string): { bytes: Uint8Array; hex: string } {
  try {
    return { bytes: parseEnvPublicKey(hex), hex: normalize(hex) };
  } catch (error) {
    throw new EnvPublicKeyError(
      `The env public key the API returned is malformed: ${(error as Error).message}`,
    );
  }
}
