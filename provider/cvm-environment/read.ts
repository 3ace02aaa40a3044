import type { ReadResult } from "@pulumi/pulumi/dynamic";
import { bareHex } from "../normalize";
import { parseArgument } from "./arguments";
import { driftedInputs } from "./drift";
import { envKeysOf } from "./env-revisions";
import { describeWrites, envWritesSince } from "./env-writes";
import { listRecentOperations } from "./foreign-writes";
import { inputsOf, type StoredOutputs, StoredOutputsSchema } from "./outputs";
import type { FlowContext } from "./ports";
import { currentAllowedEnvs, type ResolvedCvm } from "./resolve-cvm";
import { knownCvmOf, resolveOrGone } from "./resolve-or-gone";
import type { ProviderRuntime } from "./runtime";

/**
 * Refresh: compares the CVM's allowed keys with state and hands back drifted inputs, so the next
 * `up` restores the declared keys. Env values cannot be read back; only the key set is checked.
 */
export async function readCvmEnvironment(
  runtime: ProviderRuntime,
  id: string,
  props: unknown,
): Promise<ReadResult<StoredOutputs>> {
  const stored = parseArgument(StoredOutputsSchema, props, "read's state");
  const ctx = runtime.context(perResourceOf(stored));
  const cvm = await resolveOrGone(ctx.api, knownCvmOf(stored, id));
  if (cvm === undefined) return { id: "" };
  const allowed = await currentAllowedEnvs(ctx.api, cvm);
  const foreign = await foreignWriteSince(ctx, cvm, stored.correlationId);
  const live = {
    canonicalCvmId: cvm.canonicalId,
    ...(cvm.appId ? { appId: cvm.appId } : {}),
    ...(cvm.detail.workspaceId ? { workspaceId: cvm.detail.workspaceId } : {}),
    ...(cvm.kmsType ? { kmsType: cvm.kmsType } : {}),
    ...(cvm.chainId !== undefined ? { chainId: cvm.chainId } : {}),
    ...(cvm.detail.composeHash ? { composeHash: bareHex(cvm.detail.composeHash) } : {}),
  };
  const { foreignEnvWrite: _previous, ...known } = stored;
  const kept = foreign === undefined ? known : { ...known, foreignEnvWrite: foreign };
  const inputs = inputsOf(stored);
  const drifted = driftedInputs(inputs, allowed);
  if (drifted === undefined) return { id: cvm.canonicalId, props: { ...kept, ...live } };
  const recorded = envKeysOf(inputs.envRevisions ?? {});
  ctx.report(
    `CVM ${cvm.canonicalId} allows [${[...allowed].sort().join(", ")}], state says [${recorded.join(", ")}]`,
  );
  const envKeys = envKeysOf(drifted.envRevisions ?? {});
  return { id: cvm.canonicalId, props: { ...kept, ...drifted, envKeys, ...live }, inputs: drifted };
}

/**
 * Values cannot be read back, but the CVM's operations name every env write: one newer than the
 * state's own (`correlationId`) was made by someone else, and the next update refuses to overwrite it.
 */
async function foreignWriteSince(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  ours: unknown,
): Promise<string | undefined> {
  if (typeof ours !== "string") return undefined;
  const writes = envWritesSince(await listRecentOperations(ctx, cvm.canonicalId), ours);
  if (writes.length === 0) return undefined;
  ctx.report(
    `CVM ${cvm.canonicalId}'s environment was written outside this resource: ${describeWrites(writes)}. ` +
      "The next update refuses to overwrite it unless overwriteForeignEnv is set.",
  );
  return writes[0]?.correlationId;
}

/** What a flow context needs of stored outputs: the CVM's name for progress lines and per-resource credentials. */
export const perResourceOf = (
  stored: StoredOutputs,
): { cvmId?: string; privateKey?: string; rpcUrl?: string } => ({
  ...(stored.cvmId !== undefined ? { cvmId: stored.cvmId } : {}),
  ...(stored.privateKey !== undefined ? { privateKey: stored.privateKey } : {}),
  ...(stored.rpcUrl !== undefined ? { rpcUrl: stored.rpcUrl } : {}),
});
