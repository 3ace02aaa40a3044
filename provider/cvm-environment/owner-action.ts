import { OwnerActionRequiredError, type OwnerCall, ownerCalls } from "../chain";
import { buildSafeBatch } from "../owner-action/safe-batch";
import type { FlowContext } from "./ports";

/**
 * The owner must act, and the provider prepared it: the calls in order (for a Timelock or DAO proposal:
 * target, value, calldata) and a Safe Transaction Builder batch file with the same calls. The file holds
 * no secret: addresses, hashes and calldata only.
 */
export class OwnerActionPendingError extends OwnerActionRequiredError {
  override name = "OwnerActionPendingError";
  constructor(
    required: OwnerActionRequiredError,
    readonly calls: readonly OwnerCall[],
    /** Absolute path of the batch file, or undefined when it could not be written (`fileProblem`). */
    readonly batchFile: string | undefined,
    fileProblem?: string,
  ) {
    super(required);
    const why =
      required.reason === "no-signer"
        ? "No signer key is configured, so the provider sends no transaction."
        : `The configured signer ${required.signer} is not the owner.`;
    const steps = calls.map(
      (call, i) =>
        `  ${i + 1}. ${call.method}(${call.argument.value}): to ${call.to}, value 0, data ${call.data}`,
    );
    const safe = batchFile
      ? `For a Safe: open the Safe app → Apps → Transaction Builder, drag in ${batchFile}, create the batch, ` +
        "collect the owners' signatures and execute it."
      : `The Safe Transaction Builder file could not be written (${fileProblem}); submit the calls above.`;
    this.message =
      `Compose hash ${required.composeHash} must be allowed on the DstackApp contract ${required.contract} ` +
      `(chain ${required.chainId}) by its owner ${required.owner}. ${why}\n` +
      `The owner's transactions, in this order (target, value, calldata; as they are for a Timelock or DAO proposal):\n` +
      `${steps.join("\n")}\n${safe}\n` +
      "Once they are executed, run `pulumi up` again: it finds the registration on-chain and completes the " +
      "update without sending a transaction.";
  }
}

export interface OwnerActionTarget {
  /** Names the file: one file per CVM and compose hash. */
  readonly canonicalCvmId: string;
  /** The device to allow first, when the app does not allow the CVM's device yet. */
  readonly deviceId?: string | undefined;
}

/** Turns the chain step's "owner must act" into the calls and a Safe batch file for the owner. */
export async function prepareOwnerAction(
  ctx: Pick<FlowContext, "now" | "report" | "saveOwnerAction">,
  target: OwnerActionTarget,
  required: OwnerActionRequiredError,
): Promise<OwnerActionPendingError> {
  const calls = ownerCalls({
    contract: required.contract,
    composeHash: required.composeHash,
    deviceId: target.deviceId,
  });
  const file = buildSafeBatch({
    chainId: required.chainId,
    safe: required.owner,
    calls,
    createdAt: ctx.now(),
    name: `Allow compose hash ${required.composeHash.slice(0, 10)}… on ${target.canonicalCvmId}`,
    description:
      `pulumi-phala: ${calls.map((c) => c.method).join(" + ")} on DstackApp ${required.contract} ` +
      `for CVM ${target.canonicalCvmId}, so its new environment key set can be applied.`,
  });
  const fileName = `${target.canonicalCvmId}-${required.composeHash.slice(2, 14)}.safe-batch.json`;
  try {
    const path = await ctx.saveOwnerAction(fileName, file);
    ctx.report(`Wrote the Safe Transaction Builder batch for the owner to ${path}`);
    return new OwnerActionPendingError(required, calls, path);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    return new OwnerActionPendingError(required, calls, undefined, problem);
  }
}
