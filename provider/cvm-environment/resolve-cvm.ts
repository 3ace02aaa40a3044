import type { CvmDetail } from "../api";
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

/** Bare lower-case 40-hex form of an app id or app contract address (`0x…`, `app_…` or bare). */
export const bareAppId = (value: string | undefined): string | undefined => {
  const match = value?.trim().match(/^(?:0x|app_)?([0-9a-fA-F]{40})$/);
  return match?.[1]?.toLowerCase();
};

export async function resolveCvm(api: CvmEnvironmentApi, identifier: string): Promise<ResolvedCvm> {
  const detail = await api.getCvm(identifier);
  const chainId = detail.kmsInfo?.chainId;
  return {
    detail,
    canonicalId: detail.id,
    ...optional("appId", bareAppId(detail.appId) ?? bareAppId(detail.kmsInfo?.dstackAppAddress)),
    ...optional("chainId", typeof chainId === "number" ? chainId : undefined),
    ...optional("kmsType", detail.kmsType),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** The keys the CVM currently allows: from the detail when it carries the compose file, else the compose file. */
export async function currentAllowedEnvs(api: CvmEnvironmentApi, cvm: ResolvedCvm): Promise<string[]> {
  if (cvm.detail.allowedEnvs !== undefined) return [...cvm.detail.allowedEnvs];
  const composeFile = await api.getComposeFile(cvm.canonicalId);
  return [...(composeFile.allowed_envs ?? [])];
}
