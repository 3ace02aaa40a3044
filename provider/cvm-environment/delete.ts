import { NotFoundError } from "../api";
import { applyAndWait } from "./apply-and-wait";
import { applyOptionsOf, type CheckedInputs } from "./inputs";
import { credentialsOf } from "./read";
import { resolveCvm } from "./resolve-cvm";
import type { ProviderRuntime } from "./runtime";

/**
 * Clears the CVM's environment: an empty env set with `env_keys: []`, which changes the allowed keys
 * and so runs the two-phase flow on an on-chain KMS like any other change. A CVM that is gone is done.
 */
export async function deleteCvmEnvironment(
  runtime: ProviderRuntime,
  id: string,
  props: unknown,
): Promise<void> {
  const stored = (props ?? {}) as Partial<CheckedInputs> & {
    canonicalCvmId?: string;
    correlationId?: string;
  };
  const ctx = runtime.context(credentialsOf(stored));
  let cvm: Awaited<ReturnType<typeof resolveCvm>>;
  try {
    cvm = await resolveCvm(ctx.api, stored.canonicalCvmId ?? id);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
  ctx.report(`Clearing the environment of ${cvm.canonicalId}`);
  const options = applyOptionsOf(stored);
  await applyAndWait(ctx, cvm, { kind: "plain", env: {} }, options, {
    ...(stored.correlationId ? { ours: stored.correlationId } : {}),
    overwriteForeignEnv: options.overwriteForeignEnv,
  });
}
