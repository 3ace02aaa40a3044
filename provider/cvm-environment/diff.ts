import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { normalizeCvmId } from "../api/cvm-id";
import { bareAppId, isUnprefixedAppId } from "../normalize";
import { parseArgument } from "./arguments";
import { PreviewInputsSchema } from "./inputs";
import { type StoredOutputs, StoredOutputsSchema } from "./outputs";
import { isUnknown } from "./unknown";

/**
 * Pure and offline. Only decides replacement: a different CVM means a new resource. `changes` stays
 * undefined so the engine computes its own detailed input diff, which names the keys that were
 * added, removed or changed through `envRevisions` (keyed by env key) while `env` itself stays secret.
 * Replacement deletes first: two identifiers may name the same CVM, and clearing after setting
 * would wipe the new environment.
 */
export function diffCvmEnvironment(olds: unknown, news: unknown): DiffResult {
  const old = parseArgument(StoredOutputsSchema, olds, "diff's state");
  const next = parseArgument(PreviewInputsSchema, news, "diff's inputs");
  return sameCvm(old, next.cvmId) ? {} : { replaces: ["cvmId"], deleteBeforeReplace: true };
}

/**
 * Whether an identifier names the CVM state already knows, judged from state alone (preview makes
 * no request): its previous identifier, its canonical id, or its app id in any form the API takes
 * (`app_<hex>`, bare hex, either case). Any other form (a name, a VM UUID) that differs is a change.
 */
function sameCvm(old: StoredOutputs, cvmId: string | undefined): boolean {
  if (cvmId === undefined || isUnknown(cvmId)) return false;
  const wanted = canonicalForm(cvmId);
  if (wanted === undefined) return false;
  const appId = old.appId === undefined ? undefined : bareAppId(old.appId);
  const known = [old.cvmId, old.canonicalCvmId, appId === undefined ? undefined : `app_${appId}`];
  return known.some((id) => id !== undefined && canonicalForm(id) === wanted);
}

/** The identifier as the API path takes it, with an app id in one case; `undefined` when invalid. */
function canonicalForm(id: string): string | undefined {
  try {
    const normalized = normalizeCvmId(id);
    const app = normalized.slice(4);
    return /^app_/i.test(normalized) && isUnprefixedAppId(app) ? `app_${app.toLowerCase()}` : normalized;
  } catch {
    return undefined;
  }
}
