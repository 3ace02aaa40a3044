import { z } from "zod";
import { idString } from "./common";

export interface KmsInfo {
  id: string;
  slug: string | null;
  /** KMS RPC URL. */
  url: string;
  version: string;
  /** null for the Phala-operated (off-chain) KMS. */
  chainId: number | null;
  kmsContractAddress: string | null;
  gatewayAppId: string | null;
  /** The KMS secp256k1 signing key (compressed, hex); only newer API versions report it. */
  k256Pubkey: string | null;
}

const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/** `KmsInfo`, the API's KMS entry. Extra keys are ignored; the nullable keys may also be absent. */
export const kmsInfoSchema = z
  .object({
    id: idString,
    slug: nullableString,
    url: z.string(),
    version: z.string(),
    chain_id: z
      .number()
      .int()
      .nullish()
      .transform((v) => v ?? null),
    kms_contract_address: nullableString,
    gateway_app_id: nullableString,
    k256_pubkey: nullableString,
  })
  .transform(
    (k): KmsInfo => ({
      id: k.id,
      slug: k.slug,
      url: k.url,
      version: k.version,
      chainId: k.chain_id,
      kmsContractAddress: k.kms_contract_address,
      gatewayAppId: k.gateway_app_id,
      k256Pubkey: k.k256_pubkey,
    }),
  );

/** One page of `GET /kms`. */
export const kmsPageSchema = z.object({
  items: z.array(kmsInfoSchema),
  total: z.number().int().nonnegative().optional(),
  page: z.number().int().optional(),
  page_size: z.number().int().optional(),
  pages: z.number().int().nonnegative().optional(),
});

export interface AppEnvEncryptPubkey {
  /** X25519 public key, hex. */
  publicKey: string;
  /** KMS secp256k1 signature over the key, hex (r || s || v). */
  signature: string;
}

export const appEnvEncryptPubkeySchema = z
  .object({ public_key: z.string().min(1), signature: z.string().min(1) })
  .transform((r): AppEnvEncryptPubkey => ({ publicKey: r.public_key, signature: r.signature }));

interface KmsOnChainDevice {
  deviceId: string;
  nodeName: string | null;
  onChainAllowed: boolean | null;
}

interface KmsOnChainOsImage {
  name: string;
  version: string;
  osImageHash: string | null;
  onChainAllowed: boolean | null;
}

interface KmsOnChainContract {
  contractAddress: string;
  chainId: number;
  chainName: string;
  /** The KMS secp256k1 signing key (compressed, hex); only newer API versions report it. */
  k256Pubkey: string | null;
  devices: KmsOnChainDevice[];
  osImages: KmsOnChainOsImage[];
}

export interface KmsOnChainDetail {
  chainName: string;
  chainId: number;
  contracts: KmsOnChainContract[];
}

const nullableBoolean = z
  .boolean()
  .nullish()
  .transform((v) => v ?? null);

const deviceSchema = z
  .object({ device_id: z.string(), node_name: nullableString, on_chain_allowed: nullableBoolean })
  .transform(
    (d): KmsOnChainDevice => ({
      deviceId: d.device_id,
      nodeName: d.node_name,
      onChainAllowed: d.on_chain_allowed,
    }),
  );

const osImageSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    os_image_hash: nullableString,
    on_chain_allowed: nullableBoolean,
  })
  .transform(
    (o): KmsOnChainOsImage => ({
      name: o.name,
      version: o.version,
      osImageHash: o.os_image_hash,
      onChainAllowed: o.on_chain_allowed,
    }),
  );

export const kmsOnChainDetailSchema = z
  .object({
    chain_name: z.string(),
    chain_id: z.number().int(),
    contracts: z.array(
      z
        .object({
          contract_address: z.string(),
          chain_id: z.number().int(),
          chain_name: z.string(),
          k256_pubkey: nullableString,
          devices: z.array(deviceSchema).default([]),
          os_images: z.array(osImageSchema).default([]),
        })
        .transform(
          (c): KmsOnChainContract => ({
            contractAddress: c.contract_address,
            chainId: c.chain_id,
            chainName: c.chain_name,
            k256Pubkey: c.k256_pubkey,
            devices: c.devices,
            osImages: c.os_images,
          }),
        ),
    ),
  })
  .transform(
    (d): KmsOnChainDetail => ({ chainName: d.chain_name, chainId: d.chain_id, contracts: d.contracts }),
  );

export interface NextAppId {
  /** 40 hex characters. */
  appId: string;
  nonce: number;
}

export const nextAppIdsSchema = z
  .object({
    app_ids: z.array(z.object({ app_id: z.string().min(1), nonce: z.number().int().nonnegative() })),
  })
  .transform((r): NextAppId[] => r.app_ids.map((a) => ({ appId: a.app_id, nonce: a.nonce })));
