import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { isUnknown } from "./unknown";

/**
 * Pure and offline. Only decides replacement: a different CVM means a new resource. `changes` stays
 * undefined so the engine computes its own detailed input diff, which names the keys that were
 * added, removed or changed through `envRevisions` (keyed by env key) while `env` itself stays secret.
 * Replacement deletes first: two identifiers may name the same CVM, and clearing after setting
 * would wipe the new environment.
 */
export function diffCvmEnvironment(olds: unknown, news: unknown): DiffResult {
  const old = (olds ?? {}) as Record<string, unknown>;
  const next = (news ?? {}) as Record<string, unknown>;
  const newCvmId = next.cvmId;
  const sameCvm =
    !isUnknown(newCvmId) &&
    (newCvmId === old.cvmId || (newCvmId !== undefined && newCvmId === old.canonicalCvmId));
  return sameCvm ? {} : { replaces: ["cvmId"], deleteBeforeReplace: true };
}
