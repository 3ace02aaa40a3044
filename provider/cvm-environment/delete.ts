import { applyAndWait } from "./apply-and-wait";
import { parseArgument } from "./arguments";
import { applyOptionsOf } from "./inputs";
import { StoredOutputsSchema } from "./outputs";
import { perResourceOf } from "./read";
import { knownCvmOf, resolveOrGone } from "./resolve-or-gone";
import type { ProviderRuntime } from "./runtime";

/**
 * Clears the CVM's environment: an empty env set with `env_keys: []`, which changes the allowed keys
 * and so runs the two-phase flow on an on-chain KMS like any other change. A CVM proven gone is done.
 */
export async function deleteCvmEnvironment(
  runtime: ProviderRuntime,
  id: string,
  props: unknown,
): Promise<void> {
  const stored = parseArgument(StoredOutputsSchema, props, "delete's state");
  const ctx = runtime.context(perResourceOf(stored));
  const cvm = await resolveOrGone(ctx.api, knownCvmOf(stored, id));
  if (cvm === undefined) return;
  ctx.report(`Clearing the environment of ${cvm.canonicalId}`);
  const options = applyOptionsOf(stored);
  await applyAndWait(
    ctx,
    cvm,
    { env: {}, envRevisions: {} },
    options,
    {
      ...(stored.correlationId ? { ours: stored.correlationId } : {}),
      overwriteForeignEnv: options.overwriteForeignEnv,
    },
    stored,
  );
}
