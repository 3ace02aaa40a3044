import * as pulumi from "@pulumi/pulumi";
import {
  type AlwaysPresentName,
  PROPERTY_NAMES,
  type Properties,
  type PropertyName,
  SECRET_INPUT_NAMES,
  SECRET_NAMES,
  type ValueOf,
} from "../../provider/cvm-environment/properties";
import type { CvmEnvironmentArgs } from "./args";
import { envKeysCarried } from "./env-keys-carried";
import { withoutPromiseStacks } from "./promise-stacks";
import { cvmEnvironmentShim } from "./shim";

/** Every declared property is an output; one the program did not set needs a placeholder to get one. */
const OUTPUT_PLACEHOLDERS: Readonly<Record<PropertyName, undefined>> = Object.fromEntries(
  PROPERTY_NAMES.map((name) => [name, undefined]),
) as Record<PropertyName, undefined>;

const secretIfSet = <T>(value: pulumi.Input<T> | undefined) =>
  value === undefined ? undefined : pulumi.secret(value);

/** The outputs of `CvmEnvironment`, documented where they are declared (`CVM_ENVIRONMENT_PROPERTIES`). */
type CvmEnvironmentOutputs = {
  readonly [K in keyof Properties]: pulumi.Output<
    K extends AlwaysPresentName ? ValueOf<K> : ValueOf<K> | undefined
  >;
};

// The class and this interface merge: the engine resolves every declared output (each has a
// placeholder in the constructor), the interface only types them.
export interface CvmEnvironment extends CvmEnvironmentOutputs {}

/**
 * The encrypted environment of one Phala Cloud CVM. Values are encrypted locally; when the set of keys
 * changes on a CVM whose KMS is on-chain, the new compose hash is registered on the app's contract
 * before the update completes. Refresh detects keys added or removed outside Pulumi; values cannot be
 * read back, so a value changed outside Pulumi is not detected.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: pulumi.CustomResource assigns every output
export class CvmEnvironment extends pulumi.dynamic.Resource {
  constructor(name: string, args: CvmEnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {
      ...OUTPUT_PLACEHOLDERS,
      ...args,
      env: envKeysCarried(args.env),
    };
    for (const key of SECRET_INPUT_NAMES) props[key] = secretIfSet(props[key]);
    const secretOutputs = pulumi.mergeOptions(opts, { additionalSecretOutputs: SECRET_NAMES });
    const restoreStacks = withoutPromiseStacks();
    try {
      super(cvmEnvironmentShim, name, props, secretOutputs, undefined, "CvmEnvironment");
    } finally {
      restoreStacks();
    }
  }
}
