import type * as pulumi from "@pulumi/pulumi";
import { compact } from "../../provider/compact";
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

export interface GetKmsListArgs extends ConnectionArgs {
  /** `true`: only on-chain KMS instances; `false`: only off-chain ones; omitted: all. */
  onchain?: boolean;
}

export type GetKmsListOutputArgs = OutputArgs<GetKmsListArgs>;

export interface GetKmsListResult {
  /** The `onchain` filter that was applied; null when all KMS instances were listed. */
  onchain: boolean | null;
  /** Every KMS instance the API lists (all pages), in the API's order. */
  items: KmsEntry[];
}

const FUNCTION = "getKmsList";

const argsSchema = lazySchema((z) =>
  z.strictObject({
    onchain: z.boolean({ error: "must be a boolean" }).optional(),
    ...connectionArgShape(),
  }),
);

/** Lists the KMS instances of Phala Cloud (`GET /kms`, every page), optionally only on- or off-chain ones. */
export async function getKmsList(
  args?: GetKmsListArgs,
  options?: PhalaInvokeOptions,
): Promise<GetKmsListResult> {
  const { args: parsed, client } = prepareCall(FUNCTION, argsSchema, args, options);
  const list = await client.listKms(compact({ onchain: parsed.onchain }));
  return { onchain: parsed.onchain ?? null, items: list.map(toKmsEntry) };
}

/** Output form of {@link getKmsList}: arguments may be Inputs. */
export function getKmsListOutput(
  args?: GetKmsListOutputArgs,
  options?: PhalaInvokeOutputOptions,
): pulumi.Output<GetKmsListResult> {
  return invokeOutput(getKmsList, args, options);
}
