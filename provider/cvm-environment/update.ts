import { isDeepStrictEqual } from "node:util";
import type { UpdateResult } from "@pulumi/pulumi/dynamic";
import { applyAndWait } from "./apply-and-wait";
import { parseArgument } from "./arguments";
import { applyOptionsOf, type CheckedInputs, CheckedInputsSchema } from "./inputs";
import {
  buildOutputs,
  type CvmEnvironmentOutputs,
  computedOf,
  type StoredOutputs,
  StoredOutputsSchema,
} from "./outputs";
import { withRegistrationBehindHash } from "./registration-behind";
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
  const computed = await applyAndWait(
    ctx,
    cvm,
    inputs,
    options,
    {
      ...(previous.correlationId ? { ours: previous.correlationId } : {}),
      overwriteForeignEnv: options.overwriteForeignEnv,
    },
    previous,
  );
  return { outs: buildOutputs(inputs, await withRegistrationBehindHash(ctx, cvm, computed, previous)) };
}

function samePayload(previous: StoredOutputs, inputs: CheckedInputs): boolean {
  return (
    isDeepStrictEqual(keySet(previous.envRevisions ?? {}), keySet(inputs.envRevisions)) &&
    isDeepStrictEqual(previous.env, inputs.env) &&
    previous.encryptedEnv === inputs.encryptedEnv
  );
}

const keySet = (revisions: Readonly<Record<string, number>>): Set<string> => new Set(Object.keys(revisions));
