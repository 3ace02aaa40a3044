/** Response bodies shaped as the Phala Cloud API returns them. */

export const API_KEY = "phak_test_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
export const APP_ID = "50b0e827cc6c53f4010b57e588a18c5ef9388cc1";
export const COMPOSE_HASH = "4519976f08560fade58309ebc6590d0ac504cf3f2a7e6f1f72c2064e48aa471a";
export const DEVICE_ID = "e5a0c70bb6503de2d31c11d85914fe3776ed5b33a078ed856327c371a55aeaf2";
export const ENV_PUBKEY = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";

export const kmsInfoJson = {
  id: "kms_base_prod9",
  slug: "kms-base-prod9",
  url: "https://kms.example.test:8000",
  version: "v0.5.7",
  chain_id: 8453,
  kms_contract_address: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
  gateway_app_id: null,
};

/** `GET /cvms/{id}`, version 2026-01-21. */
export const cvmDetail20260121 = {
  id: "cvm_0123abcd",
  name: "my-app",
  app_id: APP_ID,
  vm_uuid: "550e8400-e29b-41d4-a716-446655440000",
  instance_id: "instance_abc",
  resource: { instance_type: "tdx.small", vcpu: 1, memory_in_gb: 2, disk_in_gb: 20 },
  status: "running",
  in_progress: false,
  progress: null,
  kms_type: "base",
  kms_info: {
    chain_id: 8453,
    dstack_kms_address: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
    dstack_app_address: `0x${APP_ID}`,
    deployer_address: "0x1111111111111111111111111111111111111111",
    rpc_endpoint: "https://base.example.test",
    encrypted_env_pubkey: ENV_PUBKEY,
  },
  compose_hash: COMPOSE_HASH,
  gateway: { base_domain: "example.test", cname: null },
  services: [],
  compose_file: { docker_compose_file: "services: {}\n", allowed_envs: ["A", "B"] },
  some_future_field: { nested: true },
};

/** `GET /cvms/{id}`, version 2025-10-28: integer id, pubkey at the top level. */
export const cvmDetail20251028 = {
  id: 4242,
  name: "legacy-app",
  status: "running",
  teepod_id: 7,
  app_id: APP_ID,
  vm_uuid: "550e8400e29b41d4a716446655440000",
  instance_id: null,
  vcpu: 1,
  memory: 2048,
  disk_size: 20,
  base_image: "dstack-0.5.3",
  encrypted_env_pubkey: ENV_PUBKEY,
  in_progress: true,
  kms_info: { ...kmsInfoJson, chain_id: null, kms_contract_address: null, slug: "phala", id: "kms_phala" },
  contract_address: null,
  deployer_address: null,
};

/** The `kms_info` of the documentation's 465 example: only the chain and the KMS contract. */
export const docsKmsInfoJson = {
  chain_id: 8453,
  kms_contract_address: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
};

export function precondition465Details(
  composeHash: string,
  appId: string,
  deviceId: string,
  kmsInfo: object = kmsInfoJson,
) {
  return [
    { field: "compose_hash", value: composeHash, message: null },
    { field: "app_id", value: appId, message: null },
    { field: "device_id", value: deviceId, message: null },
    { field: "kms_info", value: kmsInfo, message: null },
  ];
}

/**
 * A 465 in every layout the server has used: C structured at the top level, D the same nested under
 * `detail`, E the legacy flat body; "C (docs)" is C with the documentation's minimal `kms_info`.
 */
export function precondition465Bodies(hash: string, app: string, device: string): [string, unknown][] {
  return [
    [
      "C",
      {
        error_code: "ERR-01-005",
        message: "Compose hash registration required on-chain",
        request_id: "req-465",
        details: precondition465Details(hash, app, device),
        suggestions: ["Register the hash"],
      },
    ],
    [
      "C (docs)",
      {
        error_code: "ERR-01-005",
        message: "Compose hash registration required on-chain",
        details: precondition465Details(hash, app, device, docsKmsInfoJson),
      },
    ],
    [
      "D",
      {
        detail: {
          error_code: "ERR-01-005",
          message: "Compose hash registration required on-chain",
          details: precondition465Details(hash, app, device),
        },
      },
    ],
    [
      "E",
      {
        message: "Compose hash registration required on-chain",
        compose_hash: hash,
        app_id: app,
        device_id: device,
        kms_info: kmsInfoJson,
      },
    ],
  ];
}
