import { z } from "zod";
import { envKeysOf } from "./env-revisions";
import { type CheckedInputs, CheckedInputsSchema, INPUT_PROPERTY_NAMES } from "./inputs";
import { structSafe } from "./struct-safe";

/** What the provider learned about the CVM and the last applied change. */
export interface ComputedOutputs {
  /** The CVM id the API returned; used for every later call. */
  readonly canonicalCvmId: string;
  readonly appId?: string;
  /** The workspace the CVM belongs to: a 404 counts as "deleted" only when the API key sees that workspace. */
  readonly workspaceId?: string;
  readonly kmsType?: string;
  /** Absent for a CVM whose KMS is not governed on-chain. */
  readonly chainId?: number;
  readonly envPublicKey?: string;
  /** True only when a KMS signature over the env public key was checked. */
  readonly envPublicKeyVerified?: boolean;
  readonly composeHash?: string;
  readonly registrationTransactionHash?: string;
  readonly correlationId?: string;
  /** Set by refresh: the newest env write on the CVM since `correlationId` that this resource did not make. */
  readonly foreignEnvWrite?: string;
}

export const ComputedOutputsSchema = z.object({
  canonicalCvmId: z.string(),
  appId: z.string().optional(),
  workspaceId: z.string().optional(),
  kmsType: z.string().optional(),
  chainId: z.number().optional(),
  envPublicKey: z.string().optional(),
  envPublicKeyVerified: z.boolean().optional(),
  composeHash: z.string().optional(),
  registrationTransactionHash: z.string().optional(),
  correlationId: z.string().optional(),
  foreignEnvWrite: z.string().optional(),
});

/**
 * State as stored: the checked inputs (so delete and refresh can act alone), the sorted `envKeys`
 * and the computed outputs.
 */
export const StoredOutputsSchema = CheckedInputsSchema.partial({ envRevisions: true })
  .extend({ envKeys: z.array(z.string()).optional() })
  .extend(ComputedOutputsSchema.partial({ canonicalCvmId: true }).shape);
export type StoredOutputs = z.infer<typeof StoredOutputsSchema>;
export type CvmEnvironmentOutputs = CheckedInputs & { readonly envKeys: string[] } & ComputedOutputs;

/**
 * `env` keeps the key of the secret input, so the engine keeps it secret. `privateKey`/`rpcUrl` are
 * kept only when they were per-resource inputs, because delete and refresh receive nothing but the
 * stored outputs; they are secret for the same reason and listed in `additionalSecretOutputs`.
 * Credentials that came from stack config never reach outputs.
 */
export function buildOutputs(inputs: CheckedInputs, computed: ComputedOutputs): CvmEnvironmentOutputs {
  return structSafe({ ...inputs, envKeys: envKeysOf(inputs.envRevisions), ...computed });
}

/** The input half of stored outputs: what refresh hands back as the resource's inputs. */
export function inputsOf(outputs: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const name of INPUT_PROPERTY_NAMES) {
    if (outputs[name] !== undefined) inputs[name] = outputs[name];
  }
  return inputs;
}

export function computedOf(outputs: StoredOutputs, fallbackId: string): ComputedOutputs {
  const { success, data } = ComputedOutputsSchema.partial().safeParse(outputs);
  const computed = success ? data : {};
  return structSafe({ ...computed, canonicalCvmId: computed.canonicalCvmId ?? fallbackId });
}
