import type * as pulumi from "@pulumi/pulumi";
import { bareHex } from "../../provider/normalize";
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

export interface GetNextAppIdsArgs extends ConnectionArgs {
  /** How many app ids to return: a whole number from 1 to 20; default 1. */
  count?: number;
}

export type GetNextAppIdsOutputArgs = OutputArgs<GetNextAppIdsArgs>;

/** An app id the team's deployer wallet would get for the given nonce. */
export interface NextAppId {
  /** App id: 40 lowercase hex digits without `0x`. */
  appId: string;
  /** Deployer nonce this app id corresponds to. */
  nonce: number;
}

export interface GetNextAppIdsResult {
  /** Number of app ids that were requested. */
  count: number;
  /** The next app ids of the team, in nonce order as the API returns them. */
  appIds: NextAppId[];
}

const FUNCTION = "getNextAppIds";

const argsSchema = lazySchema((z) =>
  z.strictObject({
    count: z
      .number({ error: "must be a whole number from 1 to 20" })
      .int({ error: "must be a whole number from 1 to 20" })
      .min(1, { error: "must be at least 1" })
      .max(20, { error: "must be at most 20" })
      .default(1),
    ...connectionArgShape(),
  }),
);

/**
 * The next app ids of the team for the Phala KMS (`GET /kms/phala/next_app_id`). Read-only: nothing
 * is reserved, so the same ids come back until a CVM is deployed.
 */
export async function getNextAppIds(
  args?: GetNextAppIdsArgs,
  options?: PhalaInvokeOptions,
): Promise<GetNextAppIdsResult> {
  const { args: parsed, client } = prepareCall(FUNCTION, argsSchema, args, options);
  const ids = await client.getNextAppIds(parsed.count);
  return {
    count: parsed.count,
    appIds: ids.map((id) => ({ appId: bareHex(id.appId), nonce: id.nonce })),
  };
}

/** Output form of {@link getNextAppIds}: arguments may be Inputs. */
export function getNextAppIdsOutput(
  args?: GetNextAppIdsOutputArgs,
  options?: PhalaInvokeOutputOptions,
): pulumi.Output<GetNextAppIdsResult> {
  return invokeOutput(getNextAppIds, args, options);
}
