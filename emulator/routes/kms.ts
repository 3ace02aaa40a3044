import { getContractAddress } from "viem";
import { z } from "zod";
import { detail, json, validationError } from "../http/respond";
import { zodIssuesToValidation } from "../http/validation";
import { deterministicHex } from "../state/ids";
import { kmsInfoView, normalizeAppId } from "../state/kms";
import { NODE_DEVICE_ID, OS_IMAGE_HASH } from "../state/node";
import type { Handler } from "./types";

const ListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  is_onchain: z.enum(["true", "false"]).optional(),
});

/** `GET /kms`: page-based list of KmsInfo, optional `is_onchain` filter. */
export const listKms: Handler = (ctx, req) => {
  const raw = Object.fromEntries(req.query);
  const parsed = ListQuery.safeParse(raw);
  if (!parsed.success) return validationError(zodIssuesToValidation("query", parsed.error, raw));
  const { page, page_size, is_onchain } = parsed.data;
  const all = ctx.kmsEntries.filter(
    (k) => is_onchain === undefined || (k.chain_id !== null) === (is_onchain === "true"),
  );
  const items = all
    .slice((page - 1) * page_size, page * page_size)
    .map((k) => kmsInfoView(k, ctx.keys.k256PublicKey));
  return json(200, { items, total: all.length, page, page_size, pages: Math.ceil(all.length / page_size) });
};

/** `GET /kms/{kms_id}` by hashed id or slug. */
export const getKms: Handler = (ctx, req) => {
  const id = req.params.kms_id ?? "";
  const entry = ctx.kmsEntries.find((k) => k.id === id || k.slug === id);
  if (!entry) return detail(404, "KMS not found");
  return json(200, kmsInfoView(entry, ctx.keys.k256PublicKey));
};

/** `GET /kms/{kms}/pubkey/{app_id}`: exactly `{public_key, signature}`, signed by the KMS k256 key. */
export const getAppEnvPubkey: Handler = (ctx, req) => {
  const kms = ctx.findKms(req.params.kms ?? "");
  if (!kms) return detail(404, "KMS not found");
  let appId: string;
  try {
    appId = normalizeAppId(req.params.app_id ?? "");
    if (req.params.app_id?.startsWith("app_")) throw new TypeError("prefix");
  } catch {
    return detail(400, "Invalid app_id: expected 40 hex characters, optionally 0x-prefixed");
  }
  return json(200, ctx.keys.signedEnvPublicKey(appId));
};

const CHAINS = { ethereum: "ethereum", base: "base" } as const;

/** `GET /kms/on-chain/{chain}` for `ethereum` (served by the local chain) and `base`. */
export const getOnChainKms: Handler = (ctx, req) => {
  const chain = req.params.chain ?? "";
  if (!(chain in CHAINS)) return detail(400, `Unsupported chain name: ${chain}`);
  const kind = chain as keyof typeof CHAINS;
  const entries = ctx.kmsEntries.filter((k) => k.kind === kind);
  const chainId = entries[0]?.chain_id ?? (kind === "base" ? 8453 : ctx.chain.chainId);
  return json(200, {
    chain_name: kind,
    chain_id: chainId,
    contracts: entries.map((k) => ({
      contract_address: k.kms_contract_address,
      chain_id: k.chain_id,
      chain_name: kind,
      gateway_contract_address: k.gateway_app_id,
      // The signing key of the KMS that runs on the local chain (also DstackKms.kmsInfo()); the other
      // entries are placeholders without a deployed KMS.
      k256_pubkey: k.kms_contract_address === ctx.dstack.kms ? ctx.keys.k256PublicKey : null,
      devices: [
        {
          device_id: NODE_DEVICE_ID,
          node_name: "emulator-node-7",
          on_chain_allowed: true,
        },
        {
          device_id: deterministicHex(32, `device:${k.slug}:spare`),
          node_name: null,
          on_chain_allowed: false,
        },
      ],
      os_images: [
        { name: "dstack-0.5.7", version: "0.5.7", os_image_hash: OS_IMAGE_HASH, on_chain_allowed: true },
        { name: "dstack-dev-0.5.7", version: "0.5.7", os_image_hash: null, on_chain_allowed: null },
      ],
    })),
  });
};

const NextAppIdQuery = z.object({ counts: z.coerce.number().int().min(1).max(20).default(1) });

/** The team wallet whose CREATE addresses become the next app ids. */
const TEAM_WALLET = `0x${deterministicHex(20, "team-wallet")}` as const;
const TEAM_NONCE = 3;

/** `GET /kms/phala/next_app_id?counts=N` → `{app_ids: [{app_id, nonce}]}`. */
export const nextAppIds: Handler = (_ctx, req) => {
  const raw = Object.fromEntries(req.query);
  const parsed = NextAppIdQuery.safeParse(raw);
  if (!parsed.success) return validationError(zodIssuesToValidation("query", parsed.error, raw));
  const app_ids = Array.from({ length: parsed.data.counts }, (_, i) => {
    const nonce = TEAM_NONCE + i;
    const address = getContractAddress({ from: TEAM_WALLET, nonce: BigInt(nonce) });
    return { app_id: address.slice(2).toLowerCase(), nonce };
  });
  return json(200, { app_ids });
};
