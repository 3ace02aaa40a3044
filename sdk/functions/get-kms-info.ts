import type * as pulumi from "@pulumi/pulumi";
import { kmsIdSchema } from "./argument-schemas";
import {
  type ConnectionArgs,
  connectionArgShape,
  invokeOutput,
  type OutputArgs,
  type PhalaInvokeOptions,
  type PhalaInvokeOutputOptions,
  prepareCall,
} from "./invoke";
import { type KmsEntry, toKmsEntry } from "./kms-entry";
import { lazySchema } from "./lazy-schema";

export interface GetKmsInfoArgs extends ConnectionArgs {
  /** KMS id (`kms_…`) or slug (e.g. `kms-base-prod9`). */
  kmsId: string;
}

export type GetKmsInfoOutputArgs = OutputArgs<GetKmsInfoArgs>;

/** One KMS instance (`GET /kms/{kmsId}`). */
export type GetKmsInfoResult = KmsEntry;

const FUNCTION = "getKmsInfo";

const argsSchema = lazySchema((z) =>
  z.strictObject({
    kmsId: kmsIdSchema(),
    ...connectionArgShape(),
  }),
);

/** Looks up one KMS instance by id or slug; fails with a `NotFoundError` when there is none. */
export async function getKmsInfo(
  args: GetKmsInfoArgs,
  options?: PhalaInvokeOptions,
): Promise<GetKmsInfoResult> {
  const { args: parsed, client } = prepareCall(FUNCTION, argsSchema, args, options);
  return toKmsEntry(await client.getKms(parsed.kmsId));
}

/** Output form of {@link getKmsInfo}: arguments may be Inputs. */
export function getKmsInfoOutput(
  args: GetKmsInfoOutputArgs,
  options?: PhalaInvokeOutputOptions,
): pulumi.Output<GetKmsInfoResult> {
  return invokeOutput(getKmsInfo, args, options);
}
