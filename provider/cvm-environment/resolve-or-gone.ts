import { NotFoundError } from "../api";
import { CvmEnvironmentError } from "./errors";
import type { CvmEnvironmentApi } from "./ports";
import { type ResolvedCvm, resolveCvm } from "./resolve-cvm";

/** What state knows of the CVM: enough to tell "deleted" from "not visible to this API key". */
interface KnownCvm {
  readonly reference: string;
  readonly canonicalCvmId?: string;
  readonly appId?: string;
  readonly workspaceId?: string;
}

/** Largest page the listing serves: the workspace's CVMs the check looks through. */
const LIST_PAGE_SIZE = 100;

/** A 404 that cannot be told apart from "this API key belongs to another workspace". */
export class CvmNotProvenGoneError extends CvmEnvironmentError {
  constructor(known: KnownCvm, why: string) {
    super(
      `GET /cvms/${known.reference} answered 404, but that does not prove the CVM is gone: ${why}. ` +
        "The API answers 404 for a CVM of another workspace exactly as for a deleted one, so nothing was " +
        "changed and the resource stays in state. Check phala:apiKey (or PHALA_CLOUD_API_KEY). If the CVM " +
        "was really deleted, remove the resource from state with `pulumi state delete <its URN>`.",
    );
  }
}

/**
 * The CVM state names, or `undefined` when it is proven gone. One 404 proves nothing: the API
 * key must work (an authenticated listing; a rejected key is an error), a second read must also
 * answer 404, the listing must not hold the CVM, and it must show CVMs of the workspace the CVM
 * was in — otherwise the key may belong to another workspace, and a `CvmNotProvenGoneError` says so.
 */
export async function resolveOrGone(
  api: CvmEnvironmentApi,
  known: KnownCvm,
): Promise<ResolvedCvm | undefined> {
  const firstTry = await tryResolve(api, known.reference);
  if (firstTry !== undefined) return firstTry;
  const listed = await api.listCvms({ page: 1, pageSize: LIST_PAGE_SIZE });
  const secondTry = await tryResolve(api, known.reference);
  if (secondTry !== undefined) return secondTry;

  const ids = new Set([known.canonicalCvmId, known.reference].filter((id) => id !== undefined));
  if (
    listed.items.some(
      (item) => ids.has(item.id) || (known.appId && item.appId?.toLowerCase() === known.appId),
    )
  ) {
    throw new CvmNotProvenGoneError(known, "the API key's listing still holds it");
  }
  if (known.workspaceId === undefined) {
    throw new CvmNotProvenGoneError(known, "state does not record the CVM's workspace");
  }
  const workspaces = new Set(listed.items.map((item) => item.workspaceId));
  if (!workspaces.has(known.workspaceId)) {
    const seen = [...workspaces].filter((w) => w !== undefined);
    throw new CvmNotProvenGoneError(
      known,
      seen.length > 0
        ? `the API key lists CVMs of workspace ${seen.join(", ")}, and the CVM was in ${known.workspaceId}`
        : `the API key lists no CVM at all, so its workspace cannot be confirmed as ${known.workspaceId}`,
    );
  }
  return undefined;
}

async function tryResolve(api: CvmEnvironmentApi, reference: string): Promise<ResolvedCvm | undefined> {
  try {
    return await resolveCvm(api, reference);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** The fields of stored outputs this needs. */
export const knownCvmOf = (stored: Record<string, unknown>, id: string): KnownCvm => {
  const text = (name: string) => (typeof stored[name] === "string" ? (stored[name] as string) : undefined);
  const canonicalCvmId = text("canonicalCvmId");
  const appId = text("appId");
  const workspaceId = text("workspaceId");
  return {
    reference: canonicalCvmId ?? id,
    ...(canonicalCvmId ? { canonicalCvmId } : {}),
    ...(appId ? { appId: appId.toLowerCase() } : {}),
    ...(workspaceId ? { workspaceId } : {}),
  };
};
