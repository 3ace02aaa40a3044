import type { CvmOperation } from "../api";

/**
 * Which operations write a CVM's environment. The API names operation types freely ("compose_update,
 * power_on, resize, etc."); an env update and a compose update (which can carry `encrypted_env`)
 * both name env or compose. A failed operation wrote nothing.
 */
const isEnvWrite = (operation: CvmOperation): boolean =>
  /env|compose/i.test(operation.operationType) && operation.status !== "failed";

/**
 * The env writes newer than the one identified by `since` (operations are listed newest first),
 * newest first. When `since` is not listed, every listed env write counts: none can be proven older.
 */
export function envWritesSince(
  operations: readonly CvmOperation[],
  since: string | undefined,
): CvmOperation[] {
  const newer: CvmOperation[] = [];
  for (const operation of operations) {
    if (since !== undefined && operation.correlationId === since) return newer;
    if (isEnvWrite(operation)) newer.push(operation);
  }
  return newer;
}

/** The newest env write listed: what the CVM's environment is now, as far as the API tells. */
export const latestEnvWrite = (operations: readonly CvmOperation[]): string | undefined =>
  operations.find(isEnvWrite)?.correlationId;

/** Operation ids and start times, for messages. */
export const describeWrites = (writes: readonly CvmOperation[]): string =>
  writes.map((w) => `${w.correlationId}${w.startedAt ? ` (started ${w.startedAt})` : ""}`).join(", ");
