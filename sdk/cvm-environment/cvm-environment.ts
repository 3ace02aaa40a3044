import * as pulumi from "@pulumi/pulumi";
import type { CvmEnvironmentArgs } from "./args";
import { envKeysCarried } from "./env-keys-carried";
import { cvmEnvironmentShim } from "./shim";

/** Outputs that are secret even when an input of the same name was not. */
const SECRET_OUTPUTS = ["env", "privateKey", "rpcUrl", "encryptedEnv"];

const secretIfSet = <T>(value: pulumi.Input<T> | undefined) =>
  value === undefined ? undefined : pulumi.secret(value);

/**
 * The encrypted environment of one Phala Cloud CVM. Values are encrypted locally; when the set of keys
 * changes on a CVM whose KMS is on-chain, the new compose hash is registered on the app's contract
 * before the update completes. Refresh detects keys added or removed outside Pulumi; values cannot be
 * read back, so a value changed outside Pulumi is not detected.
 */
export class CvmEnvironment extends pulumi.dynamic.Resource {
  declare readonly cvmId: pulumi.Output<string>;
  /** Secret. */
  declare readonly env: pulumi.Output<Record<string, string> | undefined>;
  declare readonly encryptedEnv: pulumi.Output<string | undefined>;
  /** Sorted keys of the environment. */
  declare readonly envKeys: pulumi.Output<string[]>;
  /**
   * The key set, keyed by env key so that preview names keys: per key, a counter that grows each time
   * the key's value changes (never the value or a hash of it); 0 for a key refresh found only on the CVM.
   */
  declare readonly envRevisions: pulumi.Output<Record<string, number>>;
  declare readonly canonicalCvmId: pulumi.Output<string>;
  declare readonly appId: pulumi.Output<string | undefined>;
  /** `phala`, `ethereum`, `base`, … */
  declare readonly kmsType: pulumi.Output<string | undefined>;
  /** Chain of an on-chain KMS; undefined otherwise. */
  declare readonly chainId: pulumi.Output<number | undefined>;
  declare readonly envPublicKey: pulumi.Output<string | undefined>;
  declare readonly envPublicKeyVerified: pulumi.Output<boolean | undefined>;
  declare readonly composeHash: pulumi.Output<string | undefined>;
  /** The `addComposeHash` transaction of the last key-set change on an on-chain KMS. */
  declare readonly registrationTransactionHash: pulumi.Output<string | undefined>;
  /** Correlation id of the last update operation on the CVM. */
  declare readonly correlationId: pulumi.Output<string | undefined>;
  /** Set by refresh: an env write on the CVM since `correlationId` that this resource did not make. */
  declare readonly foreignEnvWrite: pulumi.Output<string | undefined>;

  constructor(name: string, args: CvmEnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      env: secretIfSet(envKeysCarried(args.env)),
      encryptedEnv: args.encryptedEnv,
      envKeys: args.envKeys,
      privateKey: secretIfSet(args.privateKey),
      rpcUrl: secretIfSet(args.rpcUrl),
      envRevisions: undefined,
      canonicalCvmId: undefined,
      appId: undefined,
      kmsType: undefined,
      chainId: undefined,
      envPublicKey: undefined,
      envPublicKeyVerified: undefined,
      composeHash: undefined,
      registrationTransactionHash: undefined,
      correlationId: undefined,
      foreignEnvWrite: undefined,
    };
    const secretOutputs = pulumi.mergeOptions(opts, { additionalSecretOutputs: SECRET_OUTPUTS });
    super(cvmEnvironmentShim, name, props, secretOutputs, undefined, "CvmEnvironment");
  }
}
