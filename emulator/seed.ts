import { deployAndRegisterApp } from "./chain/deploy-dstack";
import { handOverToSafe } from "./chain/safe";
import { upstreamComposeHash } from "./compose/compose-hash";
import type { EmulatorContext } from "./context";
import { type EnvEntry, sealEnvBlob, x25519PublicKeyOf } from "./crypto/env-blob";
import { type CvmRecord, normalizeKeys } from "./state/cvm";
import { applyGuestEnvRules } from "./state/guest-env";
import { deterministicHex, deterministicUuid, hashedId } from "./state/ids";
import type { KmsEntry } from "./state/kms";
import { NODE_DEVICE_ID } from "./state/node";

/** Describes a CVM to create in the emulator. */
export type CvmSeed = {
  /** RFC 1123 name, unique. */
  name: string;
  /** `phala`: off-chain KMS, single-phase updates. `onchain`: KMS on the local chain, own DstackApp. */
  kms: "phala" | "onchain";
  /**
   * Owner of the DstackApp (on-chain only); default: the first app-owner account (anvil account 1).
   * `"safe"`: the emulator's 2-of-3 Safe, through the contract's own ownership transfer.
   */
  owner?: `0x${string}` | "safe";
  /** Whether GET /cvms/{id} carries the env pubkey (default: true for phala, false for on-chain). */
  exposeEnvPubkey?: boolean;
  /** Initial allowed_envs (default: none). */
  allowedEnvs?: string[];
  /** Initial environment (encrypted and applied at creation). */
  env?: Record<string, string>;
  /** docker-compose.yml text of the app. */
  dockerCompose?: string;
  /**
   * Further app-compose fields, set over the defaults (e.g. `runner`, `bash_script`, `pre_launch_script`);
   * `allowed_envs` comes from `allowedEnvs` only.
   */
  appCompose?: Record<string, unknown>;
  /**
   * On-chain only: whether the CVM's device is allowed on its DstackApp from the start (the factory's
   * `initialDeviceId`; default true). With false the app allows no device, so the KMS refuses the CVM's
   * next boot until the owner calls `addDevice(device_id)` or `setAllowAnyDevice(true)`.
   */
  deviceAllowed?: boolean;
  /** On-chain only: the factory's `allowAnyDevice` (default false). */
  allowAnyDevice?: boolean;
  /**
   * A replica: the name of an existing CVM whose app this CVM shares (same DstackApp, compose, compose hash,
   * env and KMS). The app-level fields of this seed (`kms` must match; owner, allowedEnvs, env, composes,
   * devices) are taken from that CVM.
   */
  replicaOf?: string;
};

export const DEFAULT_DOCKER_COMPOSE = `services:
  app:
    image: ghcr.io/example/confidential-app:1.4.2
    ports:
      - "8080:8080"
    environment:
      - API_KEY=\${API_KEY}
      - DB_URL=\${DB_URL}
      - LOG_LEVEL=\${LOG_LEVEL}
    volumes:
      - /var/run/dstack.sock:/var/run/dstack.sock
`;

/** The default seeds: one PHALA-KMS CVM, on-chain CVMs owned by the app-owner key, one owned by the 2-of-3 Safe. */
export function defaultSeeds(accounts: { address: `0x${string}` }[]): CvmSeed[] {
  const appOwner = accounts[1]?.address;
  return [
    {
      name: "phala-env-demo",
      kms: "phala",
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "info" },
    },
    { name: "onchain-env-demo", kms: "onchain", owner: appOwner, exposeEnvPubkey: false },
    {
      name: "onchain-pubkey-demo",
      kms: "onchain",
      owner: appOwner,
      exposeEnvPubkey: true,
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "debug" },
    },
    {
      name: "multisig-env-demo",
      kms: "onchain",
      owner: "safe",
      exposeEnvPubkey: true,
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "warn" },
    },
    ...composeRuleSeeds(appOwner),
  ];
}

/**
 * Two on-chain CVMs whose app-compose exercises every rule of upstream's compose hash: a `bash` runner
 * that still carries `docker_compose_file` (dropped before hashing), a `docker-compose` runner that carries
 * `bash_script` (dropped), an empty `pre_launch_script` (dropped), non-ASCII text, and a string
 * value containing `": "` (which upstream's `": "` → `":"` replacement rewrites too).
 */
export function composeRuleSeeds(owner: `0x${string}` | undefined): CvmSeed[] {
  return [
    {
      name: "bash-runner-demo",
      kms: "onchain",
      owner,
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "info" },
      appCompose: {
        runner: "bash",
        bash_script: '#!/bin/sh\nexec /app/server --log "$LOG_LEVEL"\n',
      },
    },
    {
      name: "unicode-compose-demo",
      kms: "onchain",
      owner,
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "info" },
      dockerCompose: `${DEFAULT_DOCKER_COMPOSE}    labels:\n      greeting: "Grüße, 世界 — ✓"\n      note: 'status": ready'\n`,
      appCompose: {
        bash_script: "echo unused",
        pre_launch_script: "",
        description: 'key": value — ünïcode',
      },
    },
  ];
}

export function appComposeFor(
  name: string,
  dockerCompose: string,
  allowedEnvs: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    allowed_envs: normalizeKeys(allowedEnvs),
    docker_compose_file: dockerCompose,
    features: ["kms", "tproxy-net"],
    gateway_enabled: true,
    kms_enabled: true,
    local_key_provider_enabled: false,
    manifest_version: 2,
    name,
    no_instance_id: false,
    public_logs: true,
    public_sysinfo: true,
    public_tcbinfo: true,
    runner: "docker-compose",
    secure_time: false,
    storage_fs: "zfs",
    ...Object.fromEntries(Object.entries(extra).filter(([key]) => key !== "allowed_envs")),
  };
}

const HOSTNAME = /^[a-zA-Z](?!.*--)([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/**
 * Creates a CVM and adds it to the store. An on-chain CVM gets its app as production does:
 * `DstackKms.deployAndRegisterApp(owner, …, allowAnyDevice, initialDeviceId, initialComposeHash)`, sent by
 * anvil account 0, so its first compose hash is registered inside the factory transaction.
 */
export async function createCvm(ctx: EmulatorContext, seed: CvmSeed): Promise<CvmRecord> {
  if (!HOSTNAME.test(seed.name) || seed.name.length < 5 || seed.name.length > 63) {
    throw new TypeError(`CVM name ${JSON.stringify(seed.name)} is not a valid RFC 1123 name (5-63 chars)`);
  }
  if (ctx.store.all().some((c) => c.name === seed.name)) {
    throw new TypeError(`a CVM named ${JSON.stringify(seed.name)} exists already`);
  }
  if (seed.replicaOf !== undefined) return addReplica(ctx, seed);
  const allowed = normalizeKeys(seed.allowedEnvs ?? []);
  const appCompose = appComposeFor(
    seed.name,
    seed.dockerCompose ?? DEFAULT_DOCKER_COMPOSE,
    allowed,
    seed.appCompose,
  );
  let appId: string;
  let onchain: CvmRecord["onchain"] = null;
  const kms = ctx.kmsByKind(seed.kms === "phala" ? "phala" : "ethereum");
  if (seed.kms === "onchain") {
    const deployer = ctx.chain.accounts[0];
    const safe = ctx.chain.safe;
    const owner = seed.owner === "safe" ? safe.address : (seed.owner ?? ctx.chain.accounts[1]?.address);
    if (!deployer || !owner) throw new Error("the chain has too few accounts");
    const { app, transactionHash } = await ctx.serialDeploy(async () => {
      const deployed = await deployAndRegisterApp({
        rpcUrl: ctx.chain.rpcUrl,
        senderPrivateKey: deployer.privateKey,
        kms: ctx.dstack.kms,
        // A Safe takes the app over through the contract's own two-step transfer, as a team would.
        owner: seed.owner === "safe" ? deployer.address : owner,
        initialComposeHash: `0x${upstreamComposeHash(appCompose)}`,
        ...(seed.deviceAllowed === false ? {} : { initialDeviceId: `0x${NODE_DEVICE_ID}` as const }),
        allowAnyDevice: seed.allowAnyDevice ?? false,
      });
      if (seed.owner === "safe") {
        await handOverToSafe({
          rpcUrl: ctx.chain.rpcUrl,
          contract: deployed.app,
          ownerPrivateKey: deployer.privateKey,
          safe: safe.address,
          multiSend: safe.contracts.multiSendCallOnly,
          safeOwnerPrivateKeys: safe.owners.slice(0, safe.threshold).map((o) => o.privateKey),
        });
      }
      return deployed;
    });
    appId = app.slice(2).toLowerCase();
    onchain = {
      chainId: ctx.chain.chainId,
      appContract: app,
      kmsContract: ctx.dstack.kms,
      owner,
      deployer: deployer.address,
      factoryTransaction: transactionHash,
    };
  } else {
    appId = deterministicHex(20, `phala-app:${seed.name}`);
  }
  const cvm = newRecord(ctx, seed, appId, kms, onchain, appCompose);
  if (seed.env && Object.keys(seed.env).length > 0) {
    const env: EnvEntry[] = Object.entries(seed.env).map(([key, value]) => ({ key, value }));
    const publicKey = x25519PublicKeyOf(ctx.keys.envSecretKey(appId));
    cvm.encryptedEnv = sealEnvBlob(env, publicKey);
    cvm.receivedEnvKeys = env.map((e) => e.key);
    const applied = applyGuestEnvRules(env, allowed);
    if (!applied.ok) throw new TypeError(`seed env of ${seed.name}: ${applied.error}`);
    cvm.env = applied.env;
  }
  ctx.store.add(cvm);
  return cvm;
}

function newRecord(
  ctx: EmulatorContext,
  seed: CvmSeed,
  appId: string,
  kms: KmsEntry,
  onchain: CvmRecord["onchain"],
  appCompose: Record<string, unknown>,
): CvmRecord {
  const seedKey = `${seed.name}:${appId}`;
  return {
    id: hashedId("cvm", seedKey),
    legacyId: ctx.store.nextLegacyId(),
    name: seed.name,
    appId,
    vmUuid: deterministicUuid(`vm:${seedKey}`),
    instanceId: `instance_${deterministicHex(20, `instance:${seedKey}`)}`,
    kms,
    onchain,
    exposeEnvPubkey: seed.exposeEnvPubkey ?? seed.kms === "phala",
    appCompose,
    encryptedEnv: null,
    receivedEnvKeys: [],
    env: [],
    status: "running",
    progress: null,
    operations: [],
    deviceId: NODE_DEVICE_ID,
    createdAt: ctx.clock.iso(),
  };
}

/** A second CVM of an existing app: same app id, contract, compose, env and KMS; its own identifiers. */
function addReplica(ctx: EmulatorContext, seed: CvmSeed): CvmRecord {
  const source = ctx.store.all().find((c) => c.name === seed.replicaOf);
  if (!source) throw new TypeError(`replicaOf: no CVM named ${JSON.stringify(seed.replicaOf)}`);
  const sourceKms = source.onchain ? "onchain" : "phala";
  if (seed.kms !== sourceKms) {
    throw new TypeError(`replicaOf: ${source.name} uses the ${sourceKms} KMS, not ${seed.kms}`);
  }
  const cvm = newRecord(
    ctx,
    { ...seed, exposeEnvPubkey: seed.exposeEnvPubkey ?? source.exposeEnvPubkey },
    source.appId,
    source.kms,
    source.onchain,
    { ...source.appCompose },
  );
  cvm.encryptedEnv = source.encryptedEnv;
  cvm.receivedEnvKeys = [...source.receivedEnvKeys];
  cvm.env = source.env.map((e) => ({ ...e }));
  ctx.store.add(cvm);
  return cvm;
}
