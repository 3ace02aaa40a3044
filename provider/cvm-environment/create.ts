import type { CreateResult } from "@pulumi/pulumi/dynamic";
import { applyAndWait } from "./apply-and-wait";
import { parseArgument } from "./arguments";
import { envKeysOf } from "./env-revisions";
import { AdoptionRefusedError } from "./errors";
import { applyOptionsOf, CheckedInputsSchema } from "./inputs";
import { buildOutputs, type CvmEnvironmentOutputs } from "./outputs";
import { withRegistrationBehindHash } from "./registration-behind";
import { currentAllowedEnvs, resolveCvm } from "./resolve-cvm";
import type { ProviderRuntime } from "./runtime";

export async function createCvmEnvironment(
  runtime: ProviderRuntime,
  props: unknown,
): Promise<CreateResult<CvmEnvironmentOutputs>> {
  const inputs = parseArgument(CheckedInputsSchema, props, "create's inputs");
  const options = applyOptionsOf(inputs);
  const ctx = runtime.context(inputs);
  const cvm = await resolveCvm(ctx.api, inputs.cvmId);

  // Pulumi cannot import dynamic resources, so creating on a CVM that already has an environment is
  // the adoption path; it must never silently drop keys the CVM already allows.
  const existing = await currentAllowedEnvs(ctx.api, cvm);
  const declared = new Set(envKeysOf(inputs.envRevisions));
  const dropped = existing.filter((key) => !declared.has(key)).sort();
  if (dropped.length > 0 && !options.adoptExistingEnv)
    throw new AdoptionRefusedError(cvm.canonicalId, dropped);
  if (dropped.length > 0)
    ctx.report(`Adopting the environment of ${cvm.canonicalId}; removing ${dropped.join(", ")}`);

  // An environment written through the API (by another stack, a dashboard) is adopted only on
  // request, even when no key would be dropped; an empty one (cleared) holds nothing to lose.
  const computed = await applyAndWait(ctx, cvm, inputs, options, {
    overwriteForeignEnv: options.adoptExistingEnv || existing.length === 0,
    optIn: "adoptExistingEnv",
  });
  return {
    id: cvm.canonicalId,
    outs: buildOutputs(inputs, await withRegistrationBehindHash(ctx, cvm, computed, undefined)),
  };
}
