import type { CvmOperation } from "../api";
import { describeWrites, envWritesSince, latestEnvWrite } from "./env-writes";
import { CvmEnvironmentError } from "./errors";
import type { FlowContext } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

/**
 * The env write this resource made last (state's `correlationId`; none on create: then every
 * listed env write is someone else's), and whether a write by someone else may be overwritten.
 */
export interface WriteHistory {
  readonly ours?: string;
  readonly overwriteForeignEnv: boolean;
  /** The input that allows it, for the error (default `overwriteForeignEnv`). */
  readonly optIn?: string;
}

/** Operations read per check: far more than the env writes between two runs of one stack. */
const OPERATIONS_WINDOW = 100;

export const listRecentOperations = (ctx: Pick<FlowContext, "api">, cvmId: string) =>
  ctx.api.listOperations(cvmId, { limit: OPERATIONS_WINDOW });

/** The CVM's environment was written outside this resource since its last update. Nothing was sent. */
export class ForeignWriteError extends CvmEnvironmentError {
  constructor(
    readonly cvmId: string,
    readonly writes: readonly CvmOperation[],
    optIn: string,
  ) {
    super(
      `CVM ${cvmId}'s environment was written outside this resource (operation ${describeWrites(writes)}); ` +
        "another stack or tool may manage it, or a `pulumi up` of this stack was interrupted after sending it. " +
        `The environment was not changed. To replace it with this one, set ${optIn}: true; otherwise make one ` +
        "stack the only writer.",
    );
  }
}

/** Another writer changed the environment while this change ran: one of the two environments is gone. */
export class ConcurrentWriteError extends CvmEnvironmentError {
  constructor(
    readonly cvmId: string,
    readonly own: string,
    readonly writes: readonly CvmOperation[],
  ) {
    super(
      `Another writer updated CVM ${cvmId}'s environment while this change (operation ${own}) ran: ` +
        `${describeWrites(writes)}. One of the two environments replaced the other; check which stacks manage ` +
        "this CVM, keep one, and run it again.",
    );
  }
}

/**
 * Before a change: refuses when someone else wrote the env since `ours` (the state's last
 * operation; without one, any listed env write is someone else's), unless the opt-in is set.
 * Returns the newest env write, the baseline of the race check.
 */
export async function guardForeignWrites(
  ctx: Pick<FlowContext, "api" | "report">,
  cvm: ResolvedCvm,
  history: WriteHistory,
): Promise<string | undefined> {
  const operations = await listRecentOperations(ctx, cvm.canonicalId);
  const foreign = envWritesSince(operations, history.ours);
  const optIn = history.optIn ?? "overwriteForeignEnv";
  if (foreign.length > 0 && !history.overwriteForeignEnv) {
    throw new ForeignWriteError(cvm.canonicalId, foreign, optIn);
  }
  if (foreign.length > 0)
    ctx.report(`Overwriting the environment written by ${describeWrites(foreign)} (${optIn})`);
  return latestEnvWrite(operations);
}

/** Before each request of a change: an env write since `baseline` appeared while this change waited. */
export async function assertNoWriteSince(
  ctx: Pick<FlowContext, "api">,
  cvm: ResolvedCvm,
  baseline: string | undefined,
  history: WriteHistory,
): Promise<void> {
  const writes = envWritesSince(await listRecentOperations(ctx, cvm.canonicalId), baseline);
  if (writes.length > 0) {
    throw new ForeignWriteError(cvm.canonicalId, writes, history.optIn ?? "overwriteForeignEnv");
  }
}

/**
 * After a change: any env write since `baseline` that is not `own` came from another writer meanwhile.
 * `listed` is an operations list read after the change ended (the wait's last), else one is read.
 */
export async function assertNoConcurrentWrite(
  ctx: Pick<FlowContext, "api">,
  cvm: ResolvedCvm,
  baseline: string | undefined,
  own: string,
  listed?: readonly CvmOperation[],
): Promise<void> {
  const operations = listed ?? (await listRecentOperations(ctx, cvm.canonicalId));
  const others = envWritesSince(operations, baseline).filter((operation) => operation.correlationId !== own);
  if (others.length > 0) throw new ConcurrentWriteError(cvm.canonicalId, own, others);
}
