import type { EnvEntry } from "../crypto/env-blob";
import type { KmsEntry } from "./kms";
import type { Operation } from "./operations";

export type OnChainApp = {
  chainId: number;
  /** DstackApp proxy address (checksummed); equals `0x` + app id. */
  appContract: `0x${string}`;
  /** The DstackKms proxy that registered the app. */
  kmsContract: `0x${string}`;
  /** The owner the app was created with (`initialOwner`); the contract's `owner()` is the truth. */
  owner: `0x${string}`;
  /** The account that sent the factory transaction. */
  deployer: `0x${string}`;
  /** The `deployAndRegisterApp` transaction (to DstackKms), which registered the first compose hash. */
  factoryTransaction: `0x${string}`;
};

export type CvmProgress = { target: string; started_at: string; correlation_id: string };

/** Everything the emulator knows about one CVM. */
export type CvmRecord = {
  /** Hashed id (`cvm_…`). */
  id: string;
  /** Legacy integer id (2025-10-28 shape). */
  legacyId: number;
  name: string;
  /** 40 lowercase hex, no `0x`. */
  appId: string;
  /** Dashed UUID. */
  vmUuid: string;
  instanceId: string;
  kms: KmsEntry;
  onchain: OnChainApp | null;
  /** Whether `kms_info.encrypted_env_pubkey` (and the top-level field) carry the env key. */
  exposeEnvPubkey: boolean;
  /** The app-compose; `allowed_envs` lives here. */
  appCompose: Record<string, unknown>;
  /** Last applied ciphertext. */
  encryptedEnv: string | null;
  /** Keys present in the last applied plaintext (before filtering). */
  receivedEnvKeys: string[];
  /** What the guest sees: the last applied env filtered by allowed_envs. */
  env: EnvEntry[];
  status: string;
  progress: CvmProgress | null;
  operations: Operation[];
  deviceId: string;
  createdAt: string;
};

export function allowedEnvs(cvm: CvmRecord): string[] {
  const value = cvm.appCompose.allowed_envs;
  return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
}

export function isBusy(cvm: CvmRecord): boolean {
  return cvm.progress !== null;
}

/** Sorted, de-duplicated key list (how `env_keys` become `allowed_envs`). */
export function normalizeKeys(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

export function sameKeySet(a: readonly string[], b: readonly string[]): boolean {
  const x = normalizeKeys(a);
  const y = normalizeKeys(b);
  return x.length === y.length && x.every((k, i) => k === y[i]);
}
