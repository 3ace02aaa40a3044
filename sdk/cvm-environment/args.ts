import type * as pulumi from "@pulumi/pulumi";

export interface CvmEnvironmentArgs {
  /** The CVM: its id, `app_<hex>` / bare app id, vm uuid, instance id or name. Changing it replaces the resource. */
  cvmId: pulumi.Input<string>;
  /**
   * The complete environment, encrypted on this machine to the CVM's env key. Always stored as a
   * secret. Preview names added, removed and changed keys, never values. Exclusive with `encryptedEnv`.
   */
  env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** A ciphertext made elsewhere (hex of the dstack env blob); needs `envKeys`. Exclusive with `env`. */
  encryptedEnv?: pulumi.Input<string>;
  /** The keys `encryptedEnv` contains (becomes the CVM's `allowed_envs`). Only with `encryptedEnv`. */
  envKeys?: pulumi.Input<pulumi.Input<string>[]>;
  /** Signer for the on-chain registration; overrides `phala:privateKey` / `PRIVATE_KEY`. Secret. */
  privateKey?: pulumi.Input<string>;
  /** Chain RPC URL; overrides `phala:rpcUrl` / `ETH_RPC_URL`. Secret (URLs often embed API keys). */
  rpcUrl?: pulumi.Input<string>;
  /** Wait until the CVM has applied the environment (default true). */
  waitForReady?: pulumi.Input<boolean>;
  /** How long to wait, in seconds (default 600). */
  readyTimeoutSeconds?: pulumi.Input<number>;
  /** Check the compose hash to be registered against the CVM's compose file before signing (default true). */
  verifyComposeHash?: pulumi.Input<boolean>;
  /**
   * For an on-chain KMS, encrypt even when the KMS signature over the CVM's env public key cannot be
   * checked (no signing key from the CVM detail, the API's on-chain KMS list or `DstackKms.kmsInfo()`).
   * Default false: such an update fails before anything is encrypted or sent.
   */
  allowUnverifiedEnvPublicKey?: pulumi.Input<boolean>;
  /**
   * Allow creating this resource on a CVM that already allows keys not declared here (they are
   * removed), or whose environment was written through the API by someone else (it is replaced).
   * Without it, create fails and names those keys or that operation (default false).
   */
  adoptExistingEnv?: pulumi.Input<boolean>;
  /**
   * Allow an update or destroy to overwrite an environment that was written outside this resource
   * since its last update (another stack, the dashboard, a CLI). Without it, they fail and name the
   * foreign operation (default false).
   */
  overwriteForeignEnv?: pulumi.Input<boolean>;
}
