import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type AnvilAccount, type AnvilOptions, startAnvil } from "./chain/anvil";
import type { ChainStatus } from "./chain/chain-control";
import { deployDstackKms } from "./chain/deploy-dstack";
import { executeSafeCalls, startLocalSafe } from "./chain/safe";
import type { SafeCall } from "./chain/safe-transaction";
import { RegistrationVerifier } from "./chain/verify-registration";
import { EmulatorContext } from "./context";
import { fromHex } from "./crypto/hex";
import type { ActiveFault, FaultSpec } from "./faults";
import {
  addCvm,
  type CvmInspection,
  findCvm,
  injectFault,
  inspectCvm,
  setAllowedEnvs,
  updateSettings,
} from "./inspect";
import type { LoggedRequest, RecordedExchange } from "./request-log";
import { type CvmSeed, createCvm, defaultSeeds } from "./seed";
import { API_PREFIX, createEmulatorServer, INSPECT_PREFIX } from "./server";
import { KeyService, LOCAL_GATEWAY_APP_ID, seedKmsEntries } from "./state/kms";
import { OS_IMAGE_HASH } from "./state/node";
import type { EmulatorSettings } from "./state/settings";

export type { AnvilAccount, AnvilOptions } from "./chain/anvil";
export { type AnvilNode, startAnvil } from "./chain/anvil";
export type { ChainStatus } from "./chain/chain-control";
export {
  type DeployedApp,
  type DstackKmsDeployment,
  deployAndRegisterApp,
  deployDstackApp,
  deployDstackKms,
  localChain,
} from "./chain/deploy-dstack";
export { dstackAppAbi, dstackKmsAbi } from "./chain/dstack-contracts";
export type { ActiveFault, FaultSpec } from "./faults";
export type { CvmInspection } from "./inspect";
export type { LoggedRequest, RecordedExchange } from "./request-log";
export { type CvmSeed, defaultSeeds } from "./seed";
export type { OperationView } from "./state/operations";
export type { EmulatorSettings, ErrorLayout } from "./state/settings";

export type EmulatorOptions = {
  /** API port on 127.0.0.1 (default 0: a free port). */
  port?: number;
  /** API key clients must send as `X-API-Key` (default: a random `phak_emulator_…`). */
  apiKey?: string;
  /** CVMs to create at start (default: the four seeds of `defaultSeeds`). */
  seeds?: CvmSeed[];
  /** 32-byte KMS root secret (hex or bytes); default random. Fixes the env and k256 keys. */
  kmsRootKey?: string | Uint8Array;
  /** Initial settings: operation duration (default 1500 ms), 465 TTL (14 days), error layout, … */
  settings?: Partial<EmulatorSettings>;
  /**
   * Options of the local anvil node; `anvil.blockTime` (seconds) switches from automine to interval mining
   * (CLI `--block-time`).
   */
  anvil?: AnvilOptions;
};

/** A CVM as created at start. */
export type SeededCvm = {
  id: string;
  name: string;
  app_id: string;
  vm_uuid: string;
  instance_id: string;
  kms_type: string;
  /** DstackApp address (on-chain KMS only). */
  app_contract: `0x${string}` | null;
  /** DstackApp owner (on-chain KMS only). */
  owner: `0x${string}` | null;
};

export type EmulatorSafe = {
  address: `0x${string}`;
  threshold: number;
  owners: AnvilAccount[];
  /** The MultiSendCallOnly library batches go through (DELEGATECALL). */
  multiSend: `0x${string}`;
  execute(calls: readonly SafeCall[]): Promise<`0x${string}`>;
};

export interface Emulator {
  /** Base URL of the Phala API, e.g. `http://127.0.0.1:41234/api/v1` (`PHALA_CLOUD_API_PREFIX`). */
  readonly apiUrl: string;
  /** Base URL of the inspection API, e.g. `http://127.0.0.1:41234/_emulator`. */
  readonly inspectUrl: string;
  readonly apiKey: string;
  /** A valid API key of another workspace, which holds no CVM (every CVM is a 404 for it). */
  readonly otherWorkspaceApiKey: string;
  readonly chain: {
    rpcUrl: string;
    chainId: number;
    accounts: AnvilAccount[];
    anvilPid: number;
    /** The DstackKms proxy (`dstack_kms_address`, `kms_contract_address` of the local KMS). */
    dstackKms: `0x${string}`;
  };
  /** The funded key that owns the on-chain seed apps (anvil account 1). */
  readonly appOwner: AnvilAccount;
  /**
   * The 2-of-3 Safe (v1.4.1) that owns `multisig-env-demo`; its owners are anvil accounts 2, 3 and 4.
   * `execute` runs calls as a Safe transaction signed by the first `threshold` owners (a batch through
   * MultiSendCallOnly) and returns the execution transaction's hash.
   */
  readonly safe: EmulatorSafe;
  /** Compressed secp256k1 key (0x-hex) that signs env public keys. */
  readonly kmsPublicKey: string;
  readonly cvms: SeededCvm[];

  /** Inspection of one CVM (any identifier form). Throws if unknown. */
  inspectCvm(identifier: string): CvmInspection;
  listCvms(): CvmInspection[];
  createCvm(seed: CvmSeed): Promise<CvmInspection>;
  /** Deletes the CVM: every identifier of it answers 404 from then on. */
  deleteCvm(identifier: string): void;
  /**
   * Changes allowed_envs behind the client's back (drift). The CVM changes at once; on an on-chain KMS the
   * promise settles once the new compose hash is registered on the app (as its owner would have done).
   */
  setAllowedEnvs(identifier: string, keys: readonly string[]): Promise<CvmInspection>;
  /** Waits until no operation runs on the CVM. */
  waitForIdle(identifier: string, timeoutMs?: number): Promise<CvmInspection>;

  requestCounts(): Record<string, number>;
  requests(): LoggedRequest[];
  resetRequests(): void;
  /**
   * Every API exchange (query, request body, status, response body) since the last call, then forgets
   * them. `resetRequests` does not clear these, so a contract check sees every exchange.
   */
  takeExchanges(): RecordedExchange[];

  injectFault(spec: FaultSpec): ActiveFault;
  faults(): ActiveFault[];
  clearFaults(): void;

  settings(): EmulatorSettings;
  updateSettings(patch: Partial<EmulatorSettings>): EmulatorSettings;
  setOperationDuration(ms: number): void;
  /** The next operation fails with `message` and the CVM keeps its environment. */
  failNextOperation(message?: string): void;
  /** Moves the emulator clock forward (e.g. past the 465 TTL). */
  advanceClock(ms: number): void;

  /** Automine state, block number and block time of the local chain. */
  chainStatus(): Promise<ChainStatus>;
  /** Turns anvil's automine off (transactions stay pending until `mine` or the block time) or on. */
  setAutomine(enabled: boolean): Promise<ChainStatus>;
  /** Mines `blocks` blocks now (default 1). */
  mine(blocks?: number): Promise<ChainStatus>;

  stop(): Promise<void>;
}

function rootKey(value: EmulatorOptions["kmsRootKey"]): Uint8Array {
  if (value === undefined) return new Uint8Array(randomBytes(32));
  const bytes = typeof value === "string" ? fromHex(value, "kmsRootKey") : value;
  if (bytes.length !== 32) throw new TypeError("kmsRootKey must be 32 bytes");
  return bytes;
}

/** Starts anvil, deploys the seed apps and serves the API on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const node = await startAnvil(options.anvil);
  const stops: (() => Promise<void>)[] = [() => node.stop()];
  const cleanup = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const [deployer, appOwner, ...rest] = node.accounts;
    const safeOwners = rest.slice(0, 3);
    if (!deployer || !appOwner || safeOwners.length < 3) throw new Error("anvil needs at least 5 accounts");
    const safe = await startLocalSafe(node.rpcUrl, deployer.privateKey, safeOwners, 2);
    const keys = new KeyService(rootKey(options.kmsRootKey));
    const apiKey = options.apiKey ?? `phak_emulator_${randomBytes(16).toString("hex")}`;
    const dstack = await deployDstackKms({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: deployer.privateKey,
      k256Pubkey: keys.k256PublicKey,
      osImageHashes: [`0x${OS_IMAGE_HASH}`],
      gatewayAppId: LOCAL_GATEWAY_APP_ID,
    });
    const ctx = new EmulatorContext(
      apiKey,
      keys,
      seedKmsEntries(node.chainId, dstack.kms),
      {
        rpcUrl: node.rpcUrl,
        chainId: node.chainId,
        accounts: node.accounts,
        blockTimeSeconds: options.anvil?.blockTime ?? null,
        safe,
      },
      new RegistrationVerifier(node.rpcUrl),
      dstack,
      options.settings,
    );
    stops.push(async () => ctx.runner.stop());
    const seeded: SeededCvm[] = [];
    for (const seed of options.seeds ?? defaultSeeds(node.accounts)) {
      const cvm = await createCvm(ctx, seed);
      seeded.push({
        id: cvm.id,
        name: cvm.name,
        app_id: cvm.appId,
        vm_uuid: cvm.vmUuid,
        instance_id: cvm.instanceId,
        kms_type: cvm.kms.kind,
        app_contract: cvm.onchain?.appContract ?? null,
        owner: cvm.onchain?.owner ?? null,
      });
    }

    const server = createEmulatorServer(ctx);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const origin = `http://127.0.0.1:${port}`;

    const must = (identifier: string) => {
      const cvm = findCvm(ctx, identifier);
      if (!cvm) throw new Error(`emulator: no CVM ${JSON.stringify(identifier)}`);
      return cvm;
    };
    let stopped: Promise<void> | undefined;

    return {
      apiUrl: `${origin}${API_PREFIX}`,
      inspectUrl: `${origin}${INSPECT_PREFIX}`,
      apiKey,
      otherWorkspaceApiKey: ctx.otherWorkspaceApiKey,
      chain: {
        rpcUrl: node.rpcUrl,
        chainId: node.chainId,
        accounts: node.accounts,
        anvilPid: node.pid,
        dstackKms: dstack.kms,
      },
      appOwner,
      safe: {
        address: safe.address,
        threshold: safe.threshold,
        owners: safeOwners,
        multiSend: safe.contracts.multiSendCallOnly,
        execute: (calls) =>
          executeSafeCalls({
            rpcUrl: node.rpcUrl,
            safe: safe.address,
            multiSend: safe.contracts.multiSendCallOnly,
            calls,
            ownerPrivateKeys: safeOwners.slice(0, safe.threshold).map((o) => o.privateKey),
            executorPrivateKey: safeOwners[0]?.privateKey ?? deployer.privateKey,
          }),
      },
      kmsPublicKey: keys.k256PublicKey,
      cvms: seeded,
      inspectCvm: (identifier) => inspectCvm(ctx, must(identifier)),
      listCvms: () => ctx.store.all().map((c) => inspectCvm(ctx, c)),
      createCvm: (seed) => addCvm(ctx, seed),
      deleteCvm: (identifier) => ctx.store.remove(must(identifier)),
      setAllowedEnvs: (identifier, keys) => setAllowedEnvs(ctx, must(identifier), keys),
      waitForIdle: async (identifier, timeoutMs = 30_000) => {
        const cvm = must(identifier);
        const deadline = Date.now() + timeoutMs;
        while (cvm.progress !== null) {
          if (Date.now() > deadline)
            throw new Error(`emulator: ${cvm.name} still busy after ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 10));
        }
        return inspectCvm(ctx, cvm);
      },
      requestCounts: () => ctx.log.counts(),
      requests: () => ctx.log.list(),
      resetRequests: () => ctx.log.reset(),
      takeExchanges: () => ctx.log.takeExchanges(),
      injectFault: (spec) => injectFault(ctx, spec),
      faults: () => [...ctx.faults.list()],
      clearFaults: () => ctx.faults.clear(),
      settings: () => ({ ...ctx.settings }),
      updateSettings: (patch) => updateSettings(ctx, patch),
      setOperationDuration: (ms) => {
        updateSettings(ctx, { operationDurationMs: ms });
      },
      failNextOperation: (message = "injected operation failure") => {
        updateSettings(ctx, { failNextOperation: message });
      },
      advanceClock: (ms) => ctx.clock.advance(ms),
      chainStatus: () => ctx.chainControl.status(),
      setAutomine: (enabled) => ctx.chainControl.setAutomine(enabled),
      mine: (blocks) => ctx.chainControl.mine(blocks),
      stop: () => {
        stopped ??= cleanup();
        return stopped;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
