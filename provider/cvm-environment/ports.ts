import type { PhalaClient } from "../api";
import type { registerComposeHash } from "../chain";
import type { SafeBatchFile } from "../owner-action/safe-batch";
import type { FlowLimits } from "./plan";

/** The API calls the flow makes: `PhalaClient` in production, a fake in unit tests. */
export type CvmEnvironmentApi = Pick<
  PhalaClient,
  | "getCvm"
  | "getComposeFile"
  | "composeFileOfLastDetail"
  | "patchEnvs"
  | "listOperations"
  | "getAppEnvEncryptPubkey"
  | "getKmsOnChainDetail"
  | "listCvms"
>;

export type RegisterComposeHash = typeof registerComposeHash;

/** The signer for the chain step; both may be absent (then the owner must act). */
export interface Signer {
  readonly privateKey?: `0x${string}`;
  readonly rpcUrl?: string;
}

export interface FlowTiming {
  /**
   * First poll interval while waiting for an operation; grows by half up to `maxPollIntervalMs`, so a
   * finished operation is noticed within `maxPollIntervalMs`.
   */
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  /** After waiting this long (a slow restart), poll every `relaxedPollIntervalMs` to spare the API. */
  readonly relaxAfterMs: number;
  readonly relaxedPollIntervalMs: number;
  /** Receipt wait of the chain step. */
  readonly receiptTimeoutMs?: number;
  readonly receiptPollIntervalMs?: number;
}

/** Everything one create/update/delete/read needs to talk to the world. */
export interface FlowContext {
  readonly api: CvmEnvironmentApi;
  /** `GET /kms/on-chain/{chain}` through `api`, asked once per chain for the whole provider. */
  readonly kmsOnChainDetail: CvmEnvironmentApi["getKmsOnChainDetail"];
  readonly registerComposeHash: RegisterComposeHash;
  readonly signer: Signer;
  readonly report: (message: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly timing: FlowTiming;
  readonly limits?: FlowLimits;
  /** Stores an owner-action file (a Safe Transaction Builder batch) and returns where it is. */
  readonly saveOwnerAction: (fileName: string, file: SafeBatchFile) => Promise<string>;
}
