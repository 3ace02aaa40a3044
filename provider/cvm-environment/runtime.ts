import { type EnvironmentVariables, type PhalaSettings, resolvePhalaSettings } from "../config";
import { lazyModule } from "../lazy-module";
import { DEFAULT_OWNER_ACTION_DIR, writeBatchFile } from "../owner-action/write-batch-file";
import type { FlowLimits } from "./plan";
import type { CvmEnvironmentApi, FlowContext, FlowTiming, RegisterComposeHash } from "./ports";
import { type KmsOnChainCache, sharedKmsLookups } from "./shared-kms-lookups";

export interface ProviderOptions {
  /** Environment variable fallbacks; default `process.env`. */
  readonly env?: EnvironmentVariables;
  readonly createApi?: (settings: PhalaSettings, report: (message: string) => void) => CvmEnvironmentApi;
  readonly registerComposeHash?: RegisterComposeHash;
  /** Progress lines (no secrets); default: stderr, which the engine shows as diagnostics. */
  readonly report?: (message: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly timing?: Partial<FlowTiming>;
  readonly limits?: FlowLimits;
}

/**
 * The operations API gives no estimate of when an operation ends (429s carry `Retry-After`, which the
 * client honours), so poll briskly: a finished operation is seen within 2 s; after five minutes of
 * waiting (a slow restart) every 10 s.
 */
const DEFAULT_TIMING: FlowTiming = {
  pollIntervalMs: 500,
  maxPollIntervalMs: 2_000,
  relaxAfterMs: 300_000,
  relaxedPollIntervalMs: 10_000,
};

// The API client and the chain step (got, viem) load on first use, so check and diff stay light.
const chain = lazyModule<typeof import("../chain")>(require, "../chain");
const session = lazyModule<typeof import("./session")>(require, "./session");

const stderrReport = (message: string) => {
  process.stderr.write(`pulumi-phala: ${message}\n`);
};

/** Settings from `configure` (or environment variables alone until it runs) and the way to reach the world. */
export class ProviderRuntime {
  private settings: PhalaSettings;
  /** Per-chain KMS lookups, shared by every resource this provider handles (for the settings' API). */
  private kmsOnChain: KmsOnChainCache = new Map();

  constructor(private readonly options: ProviderOptions = {}) {
    this.settings = resolvePhalaSettings(() => undefined, this.env);
  }

  private get env(): EnvironmentVariables {
    return this.options.env ?? process.env;
  }

  configure(getSetting: Parameters<typeof resolvePhalaSettings>[0]): void {
    this.settings = resolvePhalaSettings(getSetting, this.env);
    this.kmsOnChain = new Map();
  }

  /** Every string that must never appear in an error: credentials from config and from the resource. */
  secrets(perResource: { privateKey?: unknown; rpcUrl?: unknown; env?: unknown }): string[] {
    const values =
      perResource.env && typeof perResource.env === "object" ? Object.values(perResource.env) : [];
    return [
      this.settings.apiKey,
      this.settings.privateKey,
      this.settings.rpcUrl,
      perResource.privateKey,
      perResource.rpcUrl,
      ...values,
    ].filter((value): value is string => typeof value === "string");
  }

  /** Progress lines start with the resource's `cvmId`, so lines of resources running in parallel say whose they are. */
  context(perResource: { cvmId?: string; privateKey?: string; rpcUrl?: string }): FlowContext {
    const { registerComposeHash } = chain();
    const { apiFor, signerFor } = session();
    const baseReport = this.options.report ?? stderrReport;
    const { cvmId } = perResource;
    const report = cvmId ? (message: string) => baseReport(`${cvmId}: ${message}`) : baseReport;
    const createApi = this.options.createApi ?? apiFor;
    const api = createApi(this.settings, report);
    return {
      api,
      kmsOnChainDetail: sharedKmsLookups(api, this.kmsOnChain),
      registerComposeHash: this.options.registerComposeHash ?? registerComposeHash,
      signer: signerFor(this.settings, perResource),
      report,
      sleep: this.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now: this.options.now ?? Date.now,
      timing: { ...DEFAULT_TIMING, ...this.options.timing },
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      saveOwnerAction: (fileName, file) =>
        writeBatchFile(this.settings.ownerActionDir ?? DEFAULT_OWNER_ACTION_DIR, fileName, file),
    };
  }
}
