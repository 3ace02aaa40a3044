import type { ComputedOutputs } from "./outputs";
import type { FlowContext } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

/** How far back a lookup searches: an interrupted run's transaction is recent. */
const LOOKUP_SEARCH_BLOCKS = 50_000;

/** What state held before this change; absent on create. */
export interface PreviousRegistration {
  readonly composeHash?: string | undefined;
  readonly registrationTransactionHash?: string | undefined;
}

/**
 * `registrationTransactionHash` names the transaction behind the CVM's current compose hash: the one
 * this change registered; else the previous state's while the compose hash is unchanged (a values-only
 * update); else, on an on-chain KMS, the qualifying registration found on chain. That last case is a
 * change an interrupted `pulumi up` already applied (the next run gets no 465) or a create on a CVM
 * that already runs these keys. The lookup has no signer, so it never sends; when it finds nothing or
 * fails, the change stands and the output stays empty.
 */
export async function withRegistrationBehindHash(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  computed: ComputedOutputs,
  previous: PreviousRegistration | undefined,
): Promise<ComputedOutputs> {
  if (computed.registrationTransactionHash !== undefined) return computed;
  const { composeHash, chainId } = computed;
  if (composeHash === undefined) return computed;
  if (previous?.composeHash === composeHash) {
    return previous.registrationTransactionHash === undefined
      ? computed
      : { ...computed, registrationTransactionHash: previous.registrationTransactionHash };
  }
  const rpcUrl = ctx.signer.rpcUrl ?? cvm.detail.kmsInfo?.rpcEndpoint;
  if (chainId === undefined || cvm.appId === undefined || rpcUrl === undefined) return computed;
  const found = await ctx
    .registerComposeHash({
      rpcUrl,
      expectedChainId: chainId,
      appContract: `0x${cvm.appId}`,
      composeHash,
      logSearchBlocks: LOOKUP_SEARCH_BLOCKS,
    })
    .then(
      (registration) => registration.transactionHash,
      () => undefined,
    );
  if (found === undefined) return computed;
  ctx.report(`Compose hash ${composeHash} was registered in transaction ${found}`);
  return { ...computed, registrationTransactionHash: found };
}
