import { envKeysOf } from "./env-revisions";
import { propertiesSchema, typeValue } from "./inputs";
import {
  CHECKED_NAMES,
  type CheckedInputs,
  type CvmEnvironmentOutputs,
  type NamesWhere,
  namesWhere,
  PROPERTY_NAMES,
  type PropertyName,
  type StoredOutputs,
  type ValuesOf,
} from "./properties";
import { structSafe } from "./struct-safe";

export type { CvmEnvironmentOutputs, StoredOutputs } from "./properties";

type ComputedName = NamesWhere<{ role: "computed" }>;
const COMPUTED_NAMES = namesWhere((spec) => spec.role === "computed");

/** What the provider learned about the CVM and the last applied change. */
export type ComputedOutputs = ValuesOf<ComputedName, NamesWhere<{ always: true }>>;

/**
 * State as stored: the checked inputs (so delete and refresh can act alone), the sorted `envKeys`
 * and the computed outputs, each checked for its type only.
 */
export const StoredOutputsSchema = propertiesSchema<StoredOutputs>(PROPERTY_NAMES, typeValue, () => false);

/**
 * `env` keeps the key of the secret input, so the engine keeps it secret. `privateKey`/`rpcUrl` are
 * kept only when they were per-resource inputs, because delete and refresh receive nothing but the
 * stored outputs; they are secret for the same reason and listed in `additionalSecretOutputs`.
 * Credentials that came from stack config never reach outputs.
 */
export function buildOutputs(inputs: CheckedInputs, computed: ComputedOutputs): CvmEnvironmentOutputs {
  return structSafe({ ...inputs, envKeys: envKeysOf(inputs.envRevisions), ...computed });
}

/** The named properties of `from` that are set. */
const pick = <T extends Partial<Record<PropertyName, unknown>>>(from: T, names: readonly PropertyName[]) =>
  Object.fromEntries(names.filter((name) => from[name] !== undefined).map((name) => [name, from[name]]));

/** The input half of stored outputs: what refresh hands back as the resource's inputs. */
export const inputsOf = (outputs: StoredOutputs): Partial<CheckedInputs> => pick(outputs, CHECKED_NAMES);

export function computedOf(outputs: StoredOutputs, fallbackId: string): ComputedOutputs {
  const computed: Partial<ComputedOutputs> = pick(outputs, COMPUTED_NAMES);
  return structSafe({ ...computed, canonicalCvmId: computed.canonicalCvmId ?? fallbackId });
}
