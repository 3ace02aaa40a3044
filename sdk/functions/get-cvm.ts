import type * as pulumi from "@pulumi/pulumi";
import type { CvmDetail } from "../../provider/api";
import { cvmIdProblem } from "../../provider/api/cvm-id";
import { lazyModule } from "../../provider/lazy-module";
import { unprefixedAppId } from "../../provider/normalize";
import { satisfies } from "../../provider/rule";
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

export interface GetCvmArgs extends ConnectionArgs {
  /** The CVM: its id (`cvm_…`), app id (40 hex or `app_…`), VM UUID, instance id or name. */
  cvmId: string;
}

export type GetCvmOutputArgs = OutputArgs<GetCvmArgs>;

/** KMS kinds of a CVM whose env changes are governed by a contract on a chain. */
const ONCHAIN_KMS_TYPES: readonly string[] = ["ethereum", "base"];

export interface GetCvmResult {
  /** The CVM identifier that was asked. */
  cvmId: string;
  /** The CVM's own id (`cvm_…` on the API version this package speaks). */
  id: string;
  /** CVM name. */
  name: string;
  /** App id: 40 lowercase hex digits without `0x`; null when the API reports none. */
  appId: string | null;
  /** VM UUID; null when the API reports none. */
  vmUuid: string | null;
  /** Instance id; null when the API reports none. */
  instanceId: string | null;
  /** Status as the API reports it, e.g. `running`, `stopped`, `starting`. */
  status: string;
  /** True while an operation (for example an env update) is running on the CVM. */
  inProgress: boolean;
  /** KMS kind: `phala`, `ethereum`, `base` or `legacy`; null when the API reports none. */
  kmsType: string | null;
  /**
   * True when the CVM's KMS is governed on-chain (`kmsType` ethereum/base, or a chain id is set):
   * changing its allowed env keys then needs a compose hash registered on its app contract.
   */
  onchainKms: boolean;
  /** Chain id of the on-chain KMS (1 Ethereum, 8453 Base, 31337 local); null for the Phala KMS. */
  chainId: number | null;
  /** The app's DstackApp contract address; null when the API reports none. */
  appContractAddress: string | null;
  /** The DstackKms (KmsAuth) contract address; null when the API reports none. */
  kmsContractAddress: string | null;
  /**
   * The KMS's secp256k1 signing key (SEC1 hex): from the CVM detail when it carries it, else, for an
   * on-chain KMS, from the API's `GET /kms/on-chain/{chain}` entry for the CVM's DstackKms contract;
   * null when neither has it. Pass it as `kmsPublicKey` to `getAppEnvEncryptPubKey` to verify an env
   * public key against it.
   */
  kmsPublicKey: string | null;
  /** The CVM's X25519 env-encryption public key (hex); null when the API reports none. */
  envPublicKey: string | null;
  /** The compose hash the CVM runs (hex); null when the API reports none. */
  composeHash: string | null;
  /** Env keys the CVM's app-compose allows (`allowed_envs`), in the compose file's order. */
  allowedEnvs: string[];
}

const FUNCTION = "getCvm";

const argsSchema = lazySchema((z) =>
  z.strictObject({
    cvmId: z
      .string({ error: "must be a CVM id, app id, VM UUID, instance id or name (a string)" })
      .trim()
      .superRefine(satisfies(cvmIdProblem)),
    ...connectionArgShape(),
  }),
);

function toResult(
  cvmId: string,
  detail: CvmDetail,
  allowedEnvs: string[],
  kmsPublicKey: string | undefined,
): GetCvmResult {
  const kms = detail.kmsInfo;
  const chainId = kms?.chainId ?? null;
  const kmsType = detail.kmsType ?? null;
  return {
    cvmId,
    id: detail.id,
    name: detail.name,
    appId: detail.appId === undefined ? null : unprefixedAppId(detail.appId),
    vmUuid: detail.vmUuid ?? null,
    instanceId: detail.instanceId ?? null,
    status: detail.status,
    inProgress: detail.inProgress,
    kmsType,
    onchainKms: chainId !== null || (kmsType !== null && ONCHAIN_KMS_TYPES.includes(kmsType)),
    chainId,
    appContractAddress: kms?.dstackAppAddress ?? null,
    kmsContractAddress: kms?.dstackKmsAddress ?? null,
    kmsPublicKey: kmsPublicKey ?? null,
    envPublicKey: detail.envPublicKey ?? null,
    composeHash: detail.composeHash ?? null,
    allowedEnvs,
  };
}

/** The chain read (viem) loads when the function is first called. */
const kmsSigningKey = lazyModule<typeof import("../../provider/kms-signing-key")>(
  require,
  "../../provider/kms-signing-key",
);

/**
 * One CVM (`GET /cvms/{cvmId}`, plus its compose file when the detail does not carry the allowed
 * env keys): ids, app id, KMS kind and chain, env public key and allowed env keys.
 */
export async function getCvm(args: GetCvmArgs, options?: PhalaInvokeOptions): Promise<GetCvmResult> {
  const { args: parsed, client } = prepareCall(FUNCTION, argsSchema, args, options);
  const detail = await client.getCvm(parsed.cvmId);
  const allowedEnvs = detail.allowedEnvs ?? (await client.getComposeFile(detail.id)).allowed_envs ?? [];
  const kmsPublicKey =
    detail.kmsInfo?.chainId === undefined
      ? detail.kmsInfo?.k256Pubkey
      : (await kmsSigningKey().findKmsSigningKey(client, detail)).key;
  return toResult(parsed.cvmId, detail, [...allowedEnvs], kmsPublicKey);
}

/** Output form of {@link getCvm}: arguments may be Inputs. */
export function getCvmOutput(
  args: GetCvmOutputArgs,
  options?: PhalaInvokeOutputOptions,
): pulumi.Output<GetCvmResult> {
  return invokeOutput(getCvm, args, options);
}
