import { isDeepStrictEqual } from "node:util";
import type { UpdateResult } from "@pulumi/pulumi/dynamic";
import { applyAndWait, payloadOf } from "./apply-and-wait";
import { parseArgument } from "./arguments";
import { envKeysOf } from "./env-revisions";
import { applyOptionsOf, type CheckedInputs, CheckedInputsSchema } from "./inputs";
import {
  buildOutputs,
  type ComputedOutputs,
  type CvmEnvironmentOutputs,
  computedOf,
  type StoredOutputs,
  StoredOutputsSchema,
} from "./outputs";
import { resolveCvm } from "./resolve-cvm";
import type { ProviderRuntime } from "./runtime";

export async function updateCvmEnvironment(
  runtime: ProviderRuntime,
  id: string,
  olds: unknown,
  news: unknown,
): Promise<UpdateResult<CvmEnvironmentOutputs>> {
  const inputs = parseArgument(CheckedInputsSchema, news, "update's inputs");
  const previous = parseArgument(StoredOutputsSchema, olds, "update's state");
  // An env update is not idempotent (each one restarts the CVM): options, credentials or another
  // identifier for the same CVM change nothing on the CVM.
  if (samePayload(previous, inputs)) {
    return { outs: buildOutputs(inputs, computedOf(previous, id)) };
  }
  const ctx = runtime.context(inputs);
  const cvm = await resolveCvm(ctx.api, previous.canonicalCvmId ?? id);
  const options = applyOptionsOf(inputs);
  const computed = await applyAndWait(ctx, cvm, payloadOf(inputs), options, {
    ...(previous.correlationId ? { ours: previous.correlationId } : {}),
    overwriteForeignEnv: options.overwriteForeignEnv,
  });
  return { outs: buildOutputs(inputs, withRegistrationOf(previous, computed)) };
}

/**
 * `registrationTransactionHash` names the transaction behind the CVM's current compose hash: an
 * update that kept the compose hash (values only) keeps naming the same transaction.
 */
function withRegistrationOf(previous: StoredOutputs, computed: ComputedOutputs): ComputedOutputs {
  const kept =
    computed.registrationTransactionHash === undefined &&
    previous.registrationTransactionHash !== undefined &&
    computed.composeHash !== undefined &&
    computed.composeHash === previous.composeHash;
  return kept ? { ...computed, registrationTransactionHash: previous.registrationTransactionHash } : computed;
}

function samePayload(previous: StoredOutputs, inputs: CheckedInputs): boolean {
  return (
    isDeepStrictEqual(envKeysOf(previous.envRevisions ?? {}), envKeysOf(inputs.envRevisions)) &&
    isDeepStrictEqual(previous.env, inputs.env) &&
    previous.encryptedEnv === inputs.encryptedEnv
  );
}
