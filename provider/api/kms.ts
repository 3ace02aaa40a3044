/** KMS lookups: list, one KMS, an app's env-encryption key, on-chain detail, next app ids. */
import { parseResponse } from "./parse";
import {
  type AppEnvEncryptPubkey,
  appEnvEncryptPubkeySchema,
  type KmsInfo,
  type KmsOnChainDetail,
  kmsInfoSchema,
  kmsOnChainDetailSchema,
  kmsPageSchema,
  type NextAppId,
  nextAppIdsSchema,
} from "./schemas/kms";
import type { Transport } from "./transport";

const PAGE_SIZE = 100;
/** Guard against a server that keeps answering with full pages. */
const MAX_PAGES = 1_000;

function segment(name: string, value: string): string {
  if (value.trim() === "") throw new TypeError(`${name} is empty`);
  return encodeURIComponent(value.trim());
}

export interface ListKmsOptions {
  /** true: on-chain KMS only; false: off-chain only; omitted: all. */
  onchain?: boolean;
}

/** Every KMS visible to the key, all pages. */
export async function listKms(transport: Transport, options: ListKmsOptions = {}): Promise<KmsInfo[]> {
  const all: KmsInfo[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const response = await transport.request({
      method: "GET",
      path: "/kms",
      query: { page, page_size: PAGE_SIZE, is_onchain: options.onchain },
      idempotent: true,
    });
    const result = parseResponse(kmsPageSchema, response.body, response.route);
    all.push(...result.items);
    const lastPage = result.pages === undefined ? result.items.length < PAGE_SIZE : page >= result.pages;
    if (lastPage || result.items.length === 0) break;
  }
  return all;
}

export async function getKms(transport: Transport, idOrSlug: string): Promise<KmsInfo> {
  const response = await transport.request({
    method: "GET",
    path: `/kms/${segment("KMS id or slug", idOrSlug)}`,
    idempotent: true,
  });
  return parseResponse(kmsInfoSchema, response.body, response.route);
}

/** The env-encryption public key the KMS derives for `appId`, with the KMS's signature over it. */
export async function getAppEnvEncryptPubkey(
  transport: Transport,
  kms: string,
  appId: string,
): Promise<AppEnvEncryptPubkey> {
  const response = await transport.request({
    method: "GET",
    path: `/kms/${segment("KMS", kms)}/pubkey/${segment("app id", appId)}`,
    idempotent: true,
  });
  return parseResponse(appEnvEncryptPubkeySchema, response.body, response.route);
}

/** Contracts, devices and OS images of the on-chain KMS of `chain` (`ethereum`, `base`). */
export async function getKmsOnChainDetail(transport: Transport, chain: string): Promise<KmsOnChainDetail> {
  const response = await transport.request({
    method: "GET",
    path: `/kms/on-chain/${segment("chain", chain)}`,
    idempotent: true,
  });
  return parseResponse(kmsOnChainDetailSchema, response.body, response.route);
}

const MAX_NEXT_APP_IDS = 20;

/** The next `count` (1–20) app ids and nonces of the workspace's wallet on the Phala KMS. */
export async function getNextAppIds(transport: Transport, count: number): Promise<NextAppId[]> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_NEXT_APP_IDS) {
    throw new RangeError(`count must be an integer from 1 to ${MAX_NEXT_APP_IDS}`);
  }
  const response = await transport.request({
    method: "GET",
    path: "/kms/phala/next_app_id",
    query: { counts: count },
    idempotent: true,
  });
  return parseResponse(nextAppIdsSchema, response.body, response.route);
}
