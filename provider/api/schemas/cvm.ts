import { z } from "zod";
import { compact } from "../../compact";
import { idString, optionalNumber, optionalString } from "./common";

/** The CVM's KMS as `GET /cvms/{id}` reports it; fields of both API versions, all optional. */
export interface CvmKmsInfo {
  chainId?: number;
  /** DstackKms (KmsAuth) contract: `dstack_kms_address`, or `kms_contract_address` in the 2025-10-28 shape. */
  dstackKmsAddress?: string;
  /** DstackApp contract of this app (the app id with `0x`). */
  dstackAppAddress?: string;
  deployerAddress?: string;
  rpcEndpoint?: string;
  /** X25519 env-encryption public key, hex. */
  encryptedEnvPubkey?: string;
  k256Pubkey?: string;
  slug?: string;
  id?: string;
  url?: string;
  version?: string;
}

interface CvmProgress {
  target?: string;
  startedAt?: string;
  correlationId?: string;
}

export interface CvmDetail {
  /** Hashed id (`cvm_…`) in 2026-01-21; the integer id as a string in 2025-10-28. */
  id: string;
  name: string;
  /** 40 hex characters, as the API reports it (no `0x` in practice). */
  appId?: string;
  vmUuid?: string;
  instanceId?: string;
  status: string;
  inProgress: boolean;
  progress?: CvmProgress;
  /** `phala`, `ethereum`, `base`, `legacy`, … */
  kmsType?: string;
  kmsInfo?: CvmKmsInfo;
  /** Env-encryption public key: `kms_info.encrypted_env_pubkey`, else top-level `encrypted_env_pubkey`. */
  envPublicKey?: string;
  composeHash?: string;
  /** `compose_file.allowed_envs`, when the detail includes the compose file. */
  allowedEnvs?: string[];
  /** `workspace.id` (2026-01-21): the workspace the CVM belongs to. */
  workspaceId?: string;
}

const kmsInfoSchema = z.object({
  chain_id: optionalNumber,
  dstack_kms_address: optionalString,
  kms_contract_address: optionalString,
  dstack_app_address: optionalString,
  deployer_address: optionalString,
  rpc_endpoint: optionalString,
  encrypted_env_pubkey: optionalString,
  k256_pubkey: optionalString,
  slug: optionalString,
  id: idString.nullish().transform((v) => v ?? undefined),
  url: optionalString,
  version: optionalString,
});

const progressSchema = z.object({
  target: optionalString,
  started_at: optionalString,
  correlation_id: optionalString,
});

const allowedEnvsSchema = z.array(z.string()).nullish();

/** `compose_file` is an object in the documented shape, but some versions send it as JSON text. */
const composeFileSchema = z
  .union([z.object({ allowed_envs: allowedEnvsSchema }), z.string()])
  .nullish()
  .transform((file): string[] | undefined => {
    if (file === null || file === undefined) return undefined;
    if (typeof file !== "string") return file.allowed_envs ?? undefined;
    try {
      const parsed = allowedEnvsSchema.safeParse(
        (JSON.parse(file) as { allowed_envs?: unknown }).allowed_envs,
      );
      return parsed.success ? (parsed.data ?? undefined) : undefined;
    } catch {
      return undefined;
    }
  });

/**
 * `GET /cvms/{id}` in either version shape: 2026-01-21 (`kms_info.encrypted_env_pubkey`, hashed
 * string id) or 2025-10-28 (top-level `encrypted_env_pubkey`, integer id, full `KmsInfo`).
 */
export const cvmDetailSchema = z
  .object({
    id: idString,
    name: z.string(),
    app_id: optionalString,
    vm_uuid: optionalString,
    instance_id: optionalString,
    status: z.string(),
    in_progress: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    progress: progressSchema.nullish(),
    kms_type: optionalString,
    kms_info: kmsInfoSchema.nullish(),
    encrypted_env_pubkey: optionalString,
    compose_hash: optionalString,
    compose_file: composeFileSchema,
    workspace: z.object({ id: z.string() }).nullish(),
    // 2025-10-28 keeps the app contract and deployer at the top level.
    contract_address: optionalString,
    deployer_address: optionalString,
  })
  .transform((c): CvmDetail => {
    const k = c.kms_info ?? undefined;
    const kmsInfo: CvmKmsInfo | undefined =
      k === undefined
        ? undefined
        : compact({
            chainId: k.chain_id,
            dstackKmsAddress: k.dstack_kms_address ?? k.kms_contract_address,
            dstackAppAddress: k.dstack_app_address ?? c.contract_address,
            deployerAddress: k.deployer_address ?? c.deployer_address,
            rpcEndpoint: k.rpc_endpoint,
            encryptedEnvPubkey: k.encrypted_env_pubkey,
            k256Pubkey: k.k256_pubkey,
            slug: k.slug,
            id: k.id,
            url: k.url,
            version: k.version,
          });
    const progress = c.progress ?? undefined;
    return compact({
      id: c.id,
      name: c.name,
      appId: c.app_id,
      vmUuid: c.vm_uuid,
      instanceId: c.instance_id,
      status: c.status,
      inProgress: c.in_progress,
      progress:
        progress === undefined
          ? undefined
          : compact({
              target: progress.target,
              startedAt: progress.started_at,
              correlationId: progress.correlation_id,
            }),
      kmsType: c.kms_type,
      kmsInfo,
      envPublicKey: k?.encrypted_env_pubkey ?? c.encrypted_env_pubkey,
      composeHash: c.compose_hash,
      allowedEnvs: c.compose_file,
      workspaceId: c.workspace?.id,
    });
  });

/** One item of `GET /cvms/paginated`: what tells which CVMs, of which workspace, the API key sees. */
interface ListedCvm {
  id: string;
  appId?: string;
  workspaceId?: string;
}

/** `GET /cvms/paginated` (2026-01-21: `PaginatedCvmInfos`). */
export const cvmListSchema = z
  .object({
    items: z.array(
      z.object({ id: idString, app_id: optionalString, workspace: z.object({ id: z.string() }).nullish() }),
    ),
    total: z.number(),
    pages: z.number().nullish(),
  })
  .transform((page) => ({
    items: page.items.map(
      (item): ListedCvm => compact({ id: item.id, appId: item.app_id, workspaceId: item.workspace?.id }),
    ),
    total: page.total,
  }));
export type CvmList = z.output<typeof cvmListSchema>;

/** The app-compose document, raw snake_case keys as stored: it is hashed as-is. */
export type AppCompose = Record<string, unknown> & { allowed_envs?: string[]; docker_compose_file?: string };

/** Checks the keys this package reads; the document itself is returned untouched. */
export const appComposeSchema = z.looseObject({
  allowed_envs: z.array(z.string()).optional(),
  docker_compose_file: z.string().optional(),
});

/**
 * The app-compose document a CVM detail carries in `compose_file` (an object, or JSON text in some
 * versions), untouched like `GET /cvms/{id}/compose_file`'s; undefined when it carries none.
 */
export function composeFileOfDetail(body: unknown): AppCompose | undefined {
  const file = z.object({ compose_file: z.unknown() }).safeParse(body).data?.compose_file;
  let document: unknown = file;
  if (typeof file === "string") {
    try {
      document = JSON.parse(file);
    } catch {
      return undefined;
    }
  }
  return appComposeSchema.safeParse(document).success ? (document as AppCompose) : undefined;
}
