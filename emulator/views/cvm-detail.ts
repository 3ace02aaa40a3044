import { upstreamComposeHash } from "../compose/compose-hash";
import type { CvmRecord } from "../state/cvm";
import { type KeyService, kmsInfoView } from "../state/kms";
import { OS_IMAGE_HASH } from "../state/node";

export type ViewContext = { keys: KeyService; rpcUrl: string; gatewayDomain: string };

export const API_VERSION_LEGACY = "2025-10-28";
export const API_VERSION_DEFAULT = "2026-01-21";

const RESOURCE = { vcpu: 2, memoryMb: 4096, diskGb: 40, instanceType: "tdx.medium" } as const;

function envPubkey(cvm: CvmRecord, ctx: ViewContext): string | null {
  return cvm.exposeEnvPubkey ? ctx.keys.envPublicKeyHex(cvm.appId) : null;
}

function endpoints(cvm: CvmRecord, ctx: ViewContext) {
  return [
    {
      app: `https://${cvm.appId}-8080.${ctx.gatewayDomain}`,
      instance: `https://${cvm.instanceId}-8080.${ctx.gatewayDomain}`,
    },
  ];
}

/** `GET /cvms/{id}` in the 2026-01-21 shape (`CvmInfoDetailV20260121` in the official @phala/cloud SDK). */
export function cvmDetailV20260121(cvm: CvmRecord, ctx: ViewContext): Record<string, unknown> {
  const pubkey = envPubkey(cvm, ctx);
  return {
    id: cvm.id,
    name: cvm.name,
    app_id: cvm.appId,
    vm_uuid: cvm.vmUuid,
    instance_id: cvm.instanceId,
    resource: {
      instance_type: RESOURCE.instanceType,
      vcpu: RESOURCE.vcpu,
      memory_in_gb: RESOURCE.memoryMb / 1024,
      disk_in_gb: RESOURCE.diskGb,
      gpus: 0,
      compute_billing_price: "0.0580",
      billing_period: "hourly",
    },
    node_info: {
      object_type: "node",
      id: 7,
      name: "emulator-node-7",
      region: "local",
      device_id: cvm.deviceId,
      ppid: "00".repeat(16),
      status: "ONLINE",
      version: "0.5.7",
    },
    os: { name: "dstack", version: "0.5.7", is_dev: false, os_image_hash: OS_IMAGE_HASH },
    kms_type: cvm.kms.kind,
    kms_info: {
      chain_id: cvm.onchain?.chainId ?? null,
      dstack_kms_address: cvm.kms.kms_contract_address,
      dstack_app_address: cvm.onchain?.appContract ?? null,
      deployer_address: cvm.onchain?.deployer ?? null,
      rpc_endpoint: cvm.onchain ? ctx.rpcUrl : null,
      // The published 2026-01-21 shape: no KMS signing key here (it is in GET /kms/on-chain/{chain} and
      // DstackKms.kmsInfo()); on-chain CVMs report no env key unless the seed says otherwise.
      encrypted_env_pubkey: pubkey,
    },
    // Older CVMs and clients read the pubkey at top level too; the SDK schema strips this key.
    encrypted_env_pubkey: pubkey,
    status: cvm.status,
    in_progress: cvm.progress !== null,
    progress: cvm.progress,
    compose_hash: upstreamComposeHash(cvm.appCompose),
    gateway: { base_domain: ctx.gatewayDomain, cname: null },
    services: [],
    endpoints: endpoints(cvm, ctx),
    public_logs: cvm.appCompose.public_logs === true,
    public_sysinfo: cvm.appCompose.public_sysinfo === true,
    public_tcbinfo: true,
    gateway_enabled: true,
    secure_time: false,
    listed: false,
    storage_fs: "zfs",
    workspace: {
      object_type: "workspace",
      id: "wks_emulator",
      name: "Emulator",
      slug: "emulator",
      avatar_url: null,
    },
    creator: { object_type: "user", id: "usr_emulator", username: "emulator", avatar_url: null },
    compose_file: cvm.appCompose,
  };
}

/** `GET /cvms/{id}` in the 2025-10-28 shape (`CvmDetailV20251028` in the official @phala/cloud SDK). */
export function cvmDetailV20251028(cvm: CvmRecord, ctx: ViewContext): Record<string, unknown> {
  return {
    id: cvm.legacyId,
    name: cvm.name,
    status: cvm.status,
    in_progress: cvm.progress !== null,
    teepod_id: 7,
    teepod: { id: 7, name: "emulator-node-7", region_identifier: "local" },
    app_id: cvm.appId,
    vm_uuid: cvm.vmUuid,
    instance_id: cvm.instanceId,
    vcpu: RESOURCE.vcpu,
    memory: RESOURCE.memoryMb,
    disk_size: RESOURCE.diskGb,
    base_image: "dstack-0.5.7",
    encrypted_env_pubkey: envPubkey(cvm, ctx),
    listed: false,
    project_id: cvm.appId,
    project_type: "webapp",
    instance_type: RESOURCE.instanceType,
    public_sysinfo: cvm.appCompose.public_sysinfo === true,
    public_logs: cvm.appCompose.public_logs === true,
    dapp_dashboard_url: null,
    syslog_endpoint: null,
    kms_info: kmsInfoView(cvm.kms, ctx.keys.k256PublicKey),
    contract_address: cvm.onchain?.appContract ?? null,
    deployer_address: cvm.onchain?.deployer ?? null,
    scheduled_delete_at: null,
    public_urls: endpoints(cvm, ctx),
    gateway_domain: ctx.gatewayDomain,
    machine_info: {
      vcpu: RESOURCE.vcpu,
      memory: RESOURCE.memoryMb,
      disk_size: RESOURCE.diskGb,
      gpu_count: 0,
    },
    updated_at: cvm.operations[0]?.completed_at ?? cvm.createdAt,
  };
}
