import { randomBytes } from "node:crypto";
import type { AnvilAccount } from "./chain/anvil";
import { BootAuthorizer } from "./chain/boot-authorization";
import { ChainControl } from "./chain/chain-control";
import type { DstackKmsDeployment } from "./chain/deploy-dstack";
import type { LocalSafe } from "./chain/safe";
import type { RegistrationVerifier } from "./chain/verify-registration";
import { upstreamComposeHash } from "./compose/compose-hash";
import { FaultRegistry } from "./faults";
import { RequestLog } from "./request-log";
import { Clock } from "./state/clock";
import { CvmStore } from "./state/cvm-store";
import type { KeyService, KmsEntry } from "./state/kms";
import { OS_IMAGE_HASH } from "./state/node";
import { OperationRunner } from "./state/operations";
import { PendingHashes } from "./state/pending-hashes";
import { DEFAULT_SETTINGS, type EmulatorSettings } from "./state/settings";
import type { ViewContext } from "./views/cvm-detail";

export type ChainInfo = {
  rpcUrl: string;
  chainId: number;
  accounts: AnvilAccount[];
  /** The interval block time anvil runs with; null = automine. */
  blockTimeSeconds: number | null;
  /** The Safe that seeds with `owner: "safe"` are handed to. */
  safe: LocalSafe;
};

/** All state of one emulator instance, shared by the API routes and the inspection API. */
export class EmulatorContext {
  readonly clock = new Clock();
  readonly store = new CvmStore();
  readonly faults = new FaultRegistry();
  readonly log = new RequestLog();
  /**
   * A valid API key of another workspace, which holds no CVM: the API answers 404 for a CVM of
   * another workspace, exactly as for one that does not exist, and lists none of them.
   */
  readonly otherWorkspaceApiKey = `phak_other_workspace_${randomBytes(16).toString("hex")}`;
  readonly settings: EmulatorSettings;
  readonly pending: PendingHashes;
  readonly runner: OperationRunner;
  readonly chainControl: ChainControl;
  /** Serialises transactions sent by the emulator's deployer account (nonce order). */
  private deployQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly apiKey: string,
    readonly keys: KeyService,
    readonly kmsEntries: KmsEntry[],
    readonly chain: ChainInfo,
    readonly verifier: RegistrationVerifier,
    /** The DstackKms on the local chain (and the DstackApp implementation behind every app). */
    readonly dstack: DstackKmsDeployment,
    settings: Partial<EmulatorSettings> = {},
    readonly gatewayDomain = "dstack-emulator.localhost",
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.pending = new PendingHashes(this.clock, () => this.settings.pendingTtlMs);
    this.chainControl = new ChainControl(chain.rpcUrl, chain.blockTimeSeconds);
    const boot = new BootAuthorizer(chain.rpcUrl);
    this.runner = new OperationRunner(this.clock, this.settings, keys, async (cvm, nextCompose) =>
      cvm.onchain
        ? boot.check({
            kms: cvm.onchain.kmsContract,
            app: cvm.onchain.appContract,
            composeHash: upstreamComposeHash(nextCompose),
            deviceId: cvm.deviceId,
            instanceId: cvm.instanceId.replace(/^instance_/, ""),
            osImageHash: OS_IMAGE_HASH,
          })
        : { allowed: true },
    );
  }

  get view(): ViewContext {
    return { keys: this.keys, rpcUrl: this.chain.rpcUrl, gatewayDomain: this.gatewayDomain };
  }

  kmsByKind(kind: KmsEntry["kind"]): KmsEntry {
    const entry = this.kmsEntries.find((k) => k.kind === kind);
    if (!entry) throw new Error(`no ${kind} KMS seeded`);
    return entry;
  }

  /** Finds a KMS by hashed id, slug, or KMS type (`phala`, `ethereum`, `base`: the first of that kind). */
  findKms(idOrSlug: string): KmsEntry | undefined {
    return (
      this.kmsEntries.find((k) => k.id === idOrSlug || k.slug === idOrSlug) ??
      this.kmsEntries.find((k) => k.kind === idOrSlug)
    );
  }

  serialDeploy<T>(task: () => Promise<T>): Promise<T> {
    const run = this.deployQueue.then(task, task);
    this.deployQueue = run.catch(() => undefined);
    return run;
  }
}
