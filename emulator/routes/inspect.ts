import { z } from "zod";
import type { EmulatorContext } from "../context";
import { type ApiResponse, detail, json, validationError } from "../http/respond";
import { zodIssuesToValidation } from "../http/validation";
import {
  addCvm,
  CvmSeedSchema,
  FaultSpecSchema,
  findCvm,
  injectFault,
  inspectCvm,
  requestReport,
  SettingsPatch,
  setAllowedEnvs,
  updateSettings,
} from "../inspect";
import type { Handler } from "./types";

function body<T>(raw: string, schema: z.ZodType<T>): { data: T } | { error: ApiResponse } {
  let input: unknown = {};
  if (raw.trim() !== "") {
    try {
      input = JSON.parse(raw);
    } catch {
      return { error: detail(400, "body is not JSON") };
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { error: validationError(zodIssuesToValidation("body", parsed.error, input)) };
  return { data: parsed.data };
}

export function summary(ctx: EmulatorContext) {
  return {
    note: "Emulator inspection API; not part of the Phala Cloud API",
    chain: {
      rpc_url: ctx.chain.rpcUrl,
      chain_id: ctx.chain.chainId,
      accounts: ctx.chain.accounts.map((a) => a.address),
    },
    kms_k256_pubkey: ctx.keys.k256PublicKey,
    settings: ctx.settings,
    cvms: ctx.store.all().map((c) => ({
      id: c.id,
      name: c.name,
      app_id: c.appId,
      kms_type: c.kms.kind,
      owner: c.onchain?.owner ?? null,
    })),
  };
}

export const inspectSummary: Handler = (ctx) => json(200, summary(ctx));

export const inspectList: Handler = (ctx) =>
  json(
    200,
    ctx.store.all().map((c) => inspectCvm(ctx, c)),
  );

export const inspectOne: Handler = (ctx, req) => {
  const cvm = findCvm(ctx, req.params.id ?? "");
  return cvm ? json(200, inspectCvm(ctx, cvm)) : detail(404, "CVM not found");
};

export const inspectCreate: Handler = async (ctx, req) => {
  const parsed = body(req.body, CvmSeedSchema);
  if ("error" in parsed) return parsed.error;
  try {
    return json(201, await addCvm(ctx, parsed.data));
  } catch (e) {
    return detail(400, (e as Error).message);
  }
};

const AllowedEnvsBody = z.object({ allowed_envs: z.array(z.string()) }).strict();

export const inspectSetAllowedEnvs: Handler = async (ctx, req) => {
  const parsed = body(req.body, AllowedEnvsBody);
  if ("error" in parsed) return parsed.error;
  const cvm = findCvm(ctx, req.params.id ?? "");
  if (!cvm) return detail(404, "CVM not found");
  return json(200, await setAllowedEnvs(ctx, cvm, parsed.data.allowed_envs));
};

export const inspectRequests: Handler = (ctx) => json(200, requestReport(ctx));

export const inspectResetRequests: Handler = (ctx) => {
  ctx.log.reset();
  return json(200, requestReport(ctx));
};

export const inspectExchanges: Handler = (ctx) => json(200, ctx.log.pendingExchanges());

export const inspectTakeExchanges: Handler = (ctx) => json(200, ctx.log.takeExchanges());

export const inspectFaults: Handler = (ctx) => json(200, ctx.faults.list());

export const inspectAddFault: Handler = (ctx, req) => {
  const parsed = body(req.body, FaultSpecSchema);
  if ("error" in parsed) return parsed.error;
  try {
    return json(201, injectFault(ctx, parsed.data));
  } catch (e) {
    return detail(400, (e as Error).message);
  }
};

export const inspectClearFaults: Handler = (ctx) => {
  ctx.faults.clear();
  return json(200, []);
};

export const inspectRemoveFault: Handler = (ctx, req) =>
  ctx.faults.remove(Number(req.params.fault_id))
    ? json(200, ctx.faults.list())
    : detail(404, "fault not found");

export const inspectSettings: Handler = (ctx) => json(200, ctx.settings);

export const inspectUpdateSettings: Handler = (ctx, req) => {
  const parsed = body(req.body, SettingsPatch);
  if ("error" in parsed) return parsed.error;
  return json(200, updateSettings(ctx, parsed.data));
};

const FailNextBody = z.object({ message: z.string().min(1).optional() }).strict();

export const inspectFailNext: Handler = (ctx, req) => {
  const parsed = body(req.body, FailNextBody);
  if ("error" in parsed) return parsed.error;
  return json(
    200,
    updateSettings(ctx, { failNextOperation: parsed.data.message ?? "injected operation failure" }),
  );
};

export const inspectChain: Handler = async (ctx) => json(200, await ctx.chainControl.status());

const AutomineBody = z.object({ enabled: z.boolean() }).strict();

export const inspectSetAutomine: Handler = async (ctx, req) => {
  const parsed = body(req.body, AutomineBody);
  if ("error" in parsed) return parsed.error;
  return json(200, await ctx.chainControl.setAutomine(parsed.data.enabled));
};

const MineBody = z.object({ blocks: z.number().int().min(1).max(10_000).optional() }).strict();

export const inspectMine: Handler = async (ctx, req) => {
  const parsed = body(req.body, MineBody);
  if ("error" in parsed) return parsed.error;
  return json(200, await ctx.chainControl.mine(parsed.data.blocks));
};

const AdvanceBody = z.object({ ms: z.number().int().min(0) }).strict();

export const inspectAdvanceClock: Handler = (ctx, req) => {
  const parsed = body(req.body, AdvanceBody);
  if ("error" in parsed) return parsed.error;
  ctx.clock.advance(parsed.data.ms);
  return json(200, { now: ctx.clock.iso() });
};
