import { z } from "zod";
import { registerAsOwner } from "./chain/register-as-owner";
import { upstreamComposeHash } from "./compose/compose-hash";
import type { EmulatorContext } from "./context";
import type { ActiveFault, FaultSpec } from "./faults";
import type { LoggedRequest } from "./request-log";
import { createCvm } from "./seed";
import { allowedEnvs, type CvmRecord, normalizeKeys } from "./state/cvm";
import { type OperationView, operationView } from "./state/operations";
import type { EmulatorSettings } from "./state/settings";

/** What the emulator reveals about a CVM (never part of the Phala API). */
export type CvmInspection = {
  id: string;
  legacy_id: number;
  name: string;
  app_id: string;
  vm_uuid: string;
  instance_id: string;
  kms_type: string;
  kms_id: string;
  onchain: {
    chain_id: number;
    app_contract: string;
    kms_contract: string;
    owner: string;
    /** The `deployAndRegisterApp` transaction that created the app (sent to DstackKms). */
    factory_transaction: string;
  } | null;
  expose_env_pubkey: boolean;
  env_pubkey: string;
  allowed_envs: string[];
  /** The decrypted environment the guest runs with (filtered by allowed_envs). */
  env: Record<string, string>;
  /** Keys of the last applied ciphertext, before filtering. */
  received_env_keys: string[];
  compose_hash: string;
  status: string;
  in_progress: boolean;
  progress: CvmRecord["progress"];
  operations: OperationView[];
  pending_compose_hashes: {
    compose_hash: string;
    env_keys: string[];
    created_at: string;
    superseded: boolean;
  }[];
};

export function inspectCvm(ctx: EmulatorContext, cvm: CvmRecord): CvmInspection {
  return {
    id: cvm.id,
    legacy_id: cvm.legacyId,
    name: cvm.name,
    app_id: cvm.appId,
    vm_uuid: cvm.vmUuid,
    instance_id: cvm.instanceId,
    kms_type: cvm.kms.kind,
    kms_id: cvm.kms.id,
    onchain: cvm.onchain
      ? {
          chain_id: cvm.onchain.chainId,
          app_contract: cvm.onchain.appContract,
          kms_contract: cvm.onchain.kmsContract,
          owner: cvm.onchain.owner,
          factory_transaction: cvm.onchain.factoryTransaction,
        }
      : null,
    expose_env_pubkey: cvm.exposeEnvPubkey,
    env_pubkey: ctx.keys.envPublicKeyHex(cvm.appId),
    allowed_envs: allowedEnvs(cvm),
    env: Object.fromEntries(cvm.env.map((e) => [e.key, e.value])),
    received_env_keys: cvm.receivedEnvKeys,
    compose_hash: upstreamComposeHash(cvm.appCompose),
    status: cvm.status,
    in_progress: cvm.progress !== null,
    progress: cvm.progress,
    operations: cvm.operations.map(operationView),
    pending_compose_hashes: ctx.pending
      .list()
      .filter((p) => p.cvmId === cvm.id)
      .map((p) => ({
        compose_hash: p.composeHash,
        env_keys: p.envKeys,
        created_at: ctx.clock.iso(p.createdAt),
        superseded: p.superseded,
      })),
  };
}

export function findCvm(ctx: EmulatorContext, identifier: string): CvmRecord | undefined {
  const result = ctx.store.resolve(identifier);
  return "cvm" in result ? result.cvm : undefined;
}

/**
 * Changes a CVM's allowed_envs (and so its compose hash) behind the client's back, for drift tests. On an
 * on-chain KMS the new compose hash is registered on the app as its owner would have (else the CVM could not
 * boot with it).
 */
export async function setAllowedEnvs(
  ctx: EmulatorContext,
  cvm: CvmRecord,
  keys: readonly string[],
): Promise<CvmInspection> {
  const allowed = normalizeKeys(keys);
  cvm.appCompose = { ...cvm.appCompose, allowed_envs: allowed };
  cvm.env = cvm.env.filter((e) => allowed.includes(e.key));
  if (cvm.onchain) {
    const app = cvm.onchain.appContract;
    const hash = upstreamComposeHash(cvm.appCompose);
    await ctx.serialDeploy(() => registerAsOwner(ctx.chain.rpcUrl, app, hash));
  }
  return inspectCvm(ctx, cvm);
}

export type RequestReport = { counts: Record<string, number>; requests: readonly LoggedRequest[] };

export function requestReport(ctx: EmulatorContext): RequestReport {
  return { counts: ctx.log.counts(), requests: ctx.log.list() };
}

export const SettingsPatch = z
  .object({
    operationDurationMs: z.number().int().min(0).max(600_000),
    pendingTtlMs: z.number().int().min(0),
    errorLayout: z.enum(["C", "D", "E"]),
    kmsInfoLayout: z.enum(["full", "docs"]),
    hexPrefix: z.boolean(),
    phalaTwoPhase: z.boolean(),
    failNextOperation: z.string().min(1).nullable(),
  })
  .partial()
  .strict();

export function updateSettings(ctx: EmulatorContext, patch: Partial<EmulatorSettings>): EmulatorSettings {
  const parsed = SettingsPatch.parse(patch);
  Object.assign(ctx.settings, parsed);
  return { ...ctx.settings };
}

export const FaultSpecSchema = z
  .object({
    route: z.string().min(1),
    times: z.number().int().min(1).nullable().optional(),
    skip: z.number().int().min(0).optional(),
    status: z.number().int().min(100).max(999).optional(),
    body: z.unknown().optional(),
    retryAfter: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    drop: z.boolean().optional(),
  })
  .strict();

export function injectFault(ctx: EmulatorContext, spec: FaultSpec): ActiveFault {
  return ctx.faults.add(FaultSpecSchema.parse(spec) as FaultSpec);
}

export const CvmSeedSchema = z
  .object({
    name: z.string(),
    kms: z.enum(["phala", "onchain"]),
    owner: z
      .union([
        z.literal("safe"),
        z
          .string()
          .regex(/^0x[0-9a-fA-F]{40}$/)
          .transform((s) => s as `0x${string}`),
      ])
      .optional(),
    exposeEnvPubkey: z.boolean().optional(),
    allowedEnvs: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    dockerCompose: z.string().optional(),
    appCompose: z.record(z.string(), z.unknown()).optional(),
    deviceAllowed: z.boolean().optional(),
    allowAnyDevice: z.boolean().optional(),
    replicaOf: z.string().min(1).optional(),
  })
  .strict();

export async function addCvm(
  ctx: EmulatorContext,
  seed: z.input<typeof CvmSeedSchema>,
): Promise<CvmInspection> {
  const cvm = await createCvm(ctx, CvmSeedSchema.parse(seed));
  return inspectCvm(ctx, cvm);
}
