import { OwnerActionRequiredError } from "../chain";
import { buildSafeBatch } from "../owner-action/safe-batch";
import type { FlowContext } from "./ports";

/**
 * The owner must act, and the provider prepared it: besides the calls in order (target, value 0,
 * calldata: what a Timelock or DAO proposal needs), a Safe Transaction Builder batch file with the same
 * calls. The file holds no secret: addresses, hashes and calldata only.
 */
export class OwnerActionPendingError extends OwnerActionRequiredError {
  constructor(
    required: OwnerActionRequiredError,
    /** Absolute path of the batch file, or undefined when it could not be written (`fileProblem`). */
    readonly batchFile: string | undefined,
    fileProblem?: string,
  ) {
    super(required);
    this.message = `${required.message}\n${
      batchFile
        ? `For a Safe, the Transaction Builder batch with these calls is at ${batchFile}: Safe app → Apps → ` +
          "Transaction Builder, drag the file in, create the batch, collect the owners' signatures, execute."
        : `The Safe Transaction Builder batch could not be written (${fileProblem}); submit the calls above.`
    }`;
  }
}

/** Turns the chain step's "owner must act" into a Safe batch file next to the calls in the message. */
export async function prepareOwnerAction(
  ctx: Pick<FlowContext, "now" | "report" | "saveOwnerAction">,
  canonicalCvmId: string,
  required: OwnerActionRequiredError,
): Promise<OwnerActionPendingError> {
  const methods = required.actions.map((a) => a.functionName).join(" + ");
  const file = buildSafeBatch({
    chainId: required.chainId,
    safe: required.owner,
    contract: required.contract,
    actions: required.actions,
    createdAt: ctx.now(),
    name: `Allow compose hash ${required.composeHash.slice(0, 10)}… for ${canonicalCvmId}`,
    description:
      `pulumi-phala: ${methods} on DstackApp ${required.contract} for CVM ${canonicalCvmId}, ` +
      "so that its new environment key set can be applied. Then run `pulumi up` again.",
  });
  // One file per CVM and compose hash: a rerun before the owners act rewrites the same file.
  const fileName = `${canonicalCvmId}-${required.composeHash.slice(2, 14)}.safe-batch.json`;
  try {
    const path = await ctx.saveOwnerAction(fileName, file);
    ctx.report(`Wrote the Safe Transaction Builder batch for the owner to ${path}`);
    return new OwnerActionPendingError(required, path);
  } catch (error) {
    return new OwnerActionPendingError(
      required,
      undefined,
      error instanceof Error ? error.message : String(error),
    );
  }
}
