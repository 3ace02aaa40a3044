/** Body layout of coded errors (465–468). */
export type ErrorLayout = "C" | "D" | "E";

/** Run-time switches of the emulator; all changeable through the inspection API. */
export type EmulatorSettings = {
  /** How long an accepted env update takes until the CVM runs it again. */
  operationDurationMs: number;
  /** How long a phase-1 (465) compose hash stays valid for phase 2. */
  pendingTtlMs: number;
  /** C: top-level structured error; D: the same nested under `detail`; E: legacy flat 465. */
  errorLayout: ErrorLayout;
  /**
   * The 465's `kms_info`: `full` = all seven `KmsInfo` keys (what SDK 0.2.9 requires), `docs` = the
   * docs' minimal `{chain_id, kms_contract_address}`.
   */
  kmsInfoLayout: "full" | "docs";
  /** Whether `compose_hash`, `app_id` and `device_id` in a 465 carry a `0x` prefix. */
  hexPrefix: boolean;
  /** PHALA KMS answers a key-set change with 465, and phase 2 takes `compose_hash` only. */
  phalaTwoPhase: boolean;
  /** When set, the next operation fails with this message (then the switch clears). */
  failNextOperation: string | null;
};

export const DEFAULT_SETTINGS: EmulatorSettings = {
  operationDurationMs: 1500,
  pendingTtlMs: 14 * 24 * 60 * 60 * 1000,
  errorLayout: "C",
  kmsInfoLayout: "full",
  hexPrefix: false,
  phalaTwoPhase: false,
  failNextOperation: null,
};
