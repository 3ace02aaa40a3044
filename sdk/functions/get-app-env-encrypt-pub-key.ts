import type * as pulumi from "@pulumi/pulumi";
import type { PhalaClient } from "../../provider/api";
import { NotFoundError } from "../../provider/api/errors";
import { lazyModule } from "../../provider/lazy-module";
import { strip0x } from "../../provider/normalize";
import { appIdSchema, kmsIdSchema, kmsPublicKeySchema } from "./argument-schemas";
import {
  type ConnectionArgs,
  connectionArgShape,
  invokeOutput,
  type OutputArgs,
  type PhalaInvokeOptions,
  type PhalaInvokeOutputOptions,
  prepareCall,
} from "./invoke";
import { lazySchema } from "./lazy-schema";
import { reportedKmsPublicKey } from "./reported-kms-public-key";
import { EnvPublicKeySignatureError } from "./signature-mismatch-error";

export interface GetAppEnvEncryptPubKeyArgs extends ConnectionArgs {
  /** KMS id or slug (e.g. `kms-base-prod9`), or the KMS kind the API accepts in its place (`phala`, `base`, `ethereum`). */
  kms: string;
  /** App id: 40 hex digits, optionally `0x`- or `app_`-prefixed. */
  appId: string;
  /**
   * The KMS's secp256k1 signing key (SEC1 hex, compressed or not), e.g. `k256Pubkey` of the DstackKms
   * contract read from the chain. When given, the signature must verify against it or the call
   * fails. When omitted, the key the API reports for this KMS is used if there is one.
   */
  kmsPublicKey?: string;
}

export type GetAppEnvEncryptPubKeyOutputArgs = OutputArgs<GetAppEnvEncryptPubKeyArgs>;

/** Where the KMS key that the signature was checked against came from. */
export type KmsPublicKeySource = "argument" | "api";

export interface GetAppEnvEncryptPubKeyResult {
  /** The KMS id or slug that was asked. */
  kms: string;
  /** The app id: 40 lowercase hex digits without `0x`. */
  appId: string;
  /** The app's X25519 env-encryption public key: 64 lowercase hex digits without `0x`. */
  publicKey: string;
  /** The KMS's signature over `appId` and `publicKey`: 130 hex digits (r ‖ s ‖ v) without `0x`. */
  signature: string;
  /**
   * True when the signature was checked against a known KMS key and matched (`verifiedAgainst`).
   * False when no KMS key was known: then only `signerPublicKey` says who signed, and it is up to
   * the caller to trust that key. A mismatch is never reported here: it fails the call.
   */
  signatureVerified: boolean;
  /** The KMS key (compressed SEC1, `0x` hex) the signature verified against; null when unverified. */
  verifiedAgainst: string | null;
  /** Where `verifiedAgainst` came from; null when unverified. */
  kmsPublicKeySource: KmsPublicKeySource | null;
  /** The key (compressed SEC1, `0x` hex) recovered from the signature. */
  signerPublicKey: string;
}

const FUNCTION = "getAppEnvEncryptPubKey";

const argsSchema = lazySchema((z) =>
  z.strictObject({
    kms: kmsIdSchema(),
    appId: appIdSchema(),
    kmsPublicKey: kmsPublicKeySchema().optional(),
    ...connectionArgShape(),
  }),
);

/**
 * The KMS signing key the API reports for `kms`, or null. Only newer API versions expose it
 * (`k256Pubkey`); a KMS kind such as `base`, which the pubkey endpoint accepts but the KMS lookup
 * does not, has none.
 */
async function apiKmsPublicKey(client: PhalaClient, kms: string): Promise<string | null> {
  try {
    return reportedKmsPublicKey(await client.getKms(kms));
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** secp256k1 and keccak (viem, @noble) load when the function is first called. */
const signatures = lazyModule<typeof import("../../provider/crypto/env-public-key-signature")>(
  require,
  "../../provider/crypto/env-public-key-signature",
);

function recoverSigner(appId: string, publicKey: string, signature: string): string {
  try {
    return signatures().recoverEnvPublicKeySigner({ appId, publicKey, signature });
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unreadable";
    throw new EnvPublicKeySignatureError({
      message:
        `${FUNCTION}: the KMS signature over the env public key of app ${appId} cannot be checked (${reason}). ` +
        "Do not encrypt secrets to this key.",
      appId,
      expectedSigner: null,
      actualSigner: null,
    });
  }
}

/**
 * An app's env-encryption public key from its KMS (`GET /kms/{kms}/pubkey/{appId}`), with the KMS
 * signature over it checked against `kmsPublicKey`, or else the key the API reports for the KMS.
 * Fails with an {@link EnvPublicKeySignatureError} when the signature is malformed or made by another key.
 */
export async function getAppEnvEncryptPubKey(
  args: GetAppEnvEncryptPubKeyArgs,
  options?: PhalaInvokeOptions,
): Promise<GetAppEnvEncryptPubKeyResult> {
  const { args: parsed, client } = prepareCall(FUNCTION, argsSchema, args, options);
  const { verifyEnvPublicKeySignature } = signatures();
  const { publicKey, signature } = await client.getAppEnvEncryptPubkey(parsed.kms, parsed.appId);
  const binding = { appId: parsed.appId, publicKey: strip0x(publicKey), signature: strip0x(signature) };
  const signer = recoverSigner(binding.appId, binding.publicKey, binding.signature);

  const fromArgument = parsed.kmsPublicKey ?? null;
  const expected = fromArgument ?? (await apiKmsPublicKey(client, parsed.kms));
  const source: KmsPublicKeySource | null =
    fromArgument !== null ? "argument" : expected !== null ? "api" : null;
  if (expected !== null && !verifyEnvPublicKeySignature({ ...binding, kmsPublicKey: expected })) {
    throw new EnvPublicKeySignatureError({
      message:
        `${FUNCTION}: the env public key of app ${parsed.appId} is signed by ${signer}, not by the KMS key ` +
        `${expected} (from ${source === "argument" ? "the kmsPublicKey argument" : "the API's KMS info"}). ` +
        "Do not encrypt secrets to this key.",
      appId: parsed.appId,
      expectedSigner: expected,
      actualSigner: signer,
    });
  }
  return {
    kms: parsed.kms,
    appId: parsed.appId,
    publicKey: binding.publicKey.toLowerCase(),
    signature: binding.signature.toLowerCase(),
    signatureVerified: expected !== null,
    verifiedAgainst: expected === null ? null : signer,
    kmsPublicKeySource: source,
    signerPublicKey: signer,
  };
}

/** Output form of {@link getAppEnvEncryptPubKey}: arguments may be Inputs. */
export function getAppEnvEncryptPubKeyOutput(
  args: GetAppEnvEncryptPubKeyOutputArgs,
  options?: PhalaInvokeOutputOptions,
): pulumi.Output<GetAppEnvEncryptPubKeyResult> {
  return invokeOutput(getAppEnvEncryptPubKey, args, options);
}
