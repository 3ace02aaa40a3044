import type { CvmDetail } from "../api";
import { compact } from "../compact";
import { bareAppId } from "../normalize";
import type { CvmEnvironmentApi } from "./ports";

export interface ResolvedCvm {
  readonly detail: CvmDetail;
  /** The id the API returned; every later call uses it. */
  readonly canonicalId: string;
  /** 40 lower-case hex, no prefix. */
  readonly appId?: string;
  /** Set when the KMS is governed on-chain. */
  readonly chainId?: number;
  readonly kmsType?: string;
}

export async function resolveCvm(api: CvmEnvironmentApi, identifier: string): Promise<ResolvedCvm> {
  const detail = await api.getCvm(identifier);
  const chainId = detail.kmsInfo?.chainId;
  return compact({
    detail,
    canonicalId: detail.id,
    appId: bareAppId(detail.appId) ?? bareAppId(detail.kmsInfo?.dstackAppAddress),
    chainId: typeof chainId === "number" ? chainId : undefined,
    kmsType: detail.kmsType,
  });
}

/** The keys the CVM currently allows: from the detail when it carries the compose file, else the compose file. */
export async function currentAllowedEnvs(api: CvmEnvironmentApi, cvm: ResolvedCvm): Promise<string[]> {
  if (cvm.detail.allowedEnvs !== undefined) return [...cvm.detail.allowedEnvs];
  const composeFile = await api.getComposeFile(cvm.canonicalId);
  return [...(composeFile.allowed_envs ?? [])];
}
