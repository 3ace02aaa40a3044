/**
 * Connection settings shared by the CvmEnvironment provider and the data-source functions.
 * Resolution order: stack config (`phala:<name>`) first, then the ecosystem's environment variables.
 * Per-resource inputs (privateKey, rpcUrl) override both; that happens where the resource is handled.
 */
export interface PhalaSettings {
  readonly apiKey?: string;
  readonly apiUrl?: string;
  readonly privateKey?: string;
  readonly rpcUrl?: string;
  /** Where the owner-action files (Safe Transaction Builder batches) go; default `phala-owner-actions/` in the project directory. */
  readonly ownerActionDir?: string;
}

export type PhalaSettingName = keyof PhalaSettings;

/** Stack config namespace: `pulumi config set --secret phala:apiKey ...`. */
export const PHALA_CONFIG_NAMESPACE = "phala";

export const PHALA_SETTING_ENV_VARS: Readonly<Record<PhalaSettingName, string>> = {
  apiKey: "PHALA_CLOUD_API_KEY",
  apiUrl: "PHALA_CLOUD_API_PREFIX",
  privateKey: "PRIVATE_KEY",
  rpcUrl: "ETH_RPC_URL",
  ownerActionDir: "PHALA_OWNER_ACTION_DIR",
};

export const PHALA_SETTING_NAMES: readonly PhalaSettingName[] = [
  "apiKey",
  "apiUrl",
  "privateKey",
  "rpcUrl",
  "ownerActionDir",
];

/** Reads one setting by its bare name (`apiKey`); the caller maps it onto its config source. */
export type SettingGetter = (name: PhalaSettingName) => string | undefined;

export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;
