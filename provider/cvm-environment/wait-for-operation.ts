import { type CvmOperation, NotFoundError } from "../api";
import { OperationFailedError, ReadyTimeoutError } from "./errors";
import { listRecentOperations } from "./foreign-writes";
import type { FlowContext, FlowTiming } from "./ports";

interface WaitRequest {
  readonly cvmId: string;
  readonly correlationId: string;
  readonly timeoutSeconds: number;
}

/** Polls without an operations entry this many times while the CVM looks idle, then trusts the CVM detail. */
const IDLE_OBSERVATIONS_WITHOUT_OPERATION = 3;

/**
 * A 202 only means accepted: follow the operation with this correlation id until it completes.
 * The operations list is the source of truth; the CVM detail (busy flag, progress) is the fallback
 * for servers that do not list the operation. Returns the operations list that showed the operation
 * completed (the same window the second-writer checks read), or undefined when the CVM detail decided.
 */
export async function waitForOperation(
  ctx: FlowContext,
  request: WaitRequest,
): Promise<readonly CvmOperation[] | undefined> {
  const start = ctx.now();
  const deadline = start + request.timeoutSeconds * 1000;
  let interval = ctx.timing.pollIntervalMs;
  let idleWithoutOperation = 0;
  let lastState = "accepted";
  let operationsListed = true;
  for (;;) {
    // An operation accepted a moment ago is still running: every look, the first too, follows a pause.
    const remaining = deadline - ctx.now();
    if (remaining <= 0) throw new ReadyTimeoutError(request.correlationId, request.timeoutSeconds, lastState);
    await ctx.sleep(Math.min(interval, remaining));
    interval = nextPollInterval(ctx.timing, interval, ctx.now() - start);

    const operations = operationsListed
      ? await listRecentOperations(ctx, request.cvmId).catch(unlisted)
      : undefined;
    if (operations === null) operationsListed = false;
    const operation = operations?.find((listed) => listed.correlationId === request.correlationId);
    if (operation) {
      if (operation.status === "completed") {
        ctx.report(`Operation ${request.correlationId} completed`);
        return operations ?? undefined;
      }
      if (operation.status === "failed") {
        throw new OperationFailedError(
          request.correlationId,
          operation.errorMessage ?? "no message from the server",
        );
      }
      report(`operation ${operation.status}`);
    } else {
      const detail = await ctx.api.getCvm(request.cvmId);
      const busy =
        detail.inProgress || Boolean(detail.progress?.target) || Boolean(detail.progress?.correlationId);
      idleWithoutOperation = !busy && detail.status === "running" ? idleWithoutOperation + 1 : 0;
      if (idleWithoutOperation >= IDLE_OBSERVATIONS_WITHOUT_OPERATION) return undefined;
      report(`CVM ${detail.status}${busy ? " (busy)" : ""}`);
    }
  }

  function report(state: string) {
    if (state === lastState) return;
    lastState = state;
    ctx.report(`Waiting for operation ${request.correlationId}: ${state}`);
  }
}

/** The interval grows by half up to the cap; after a long wait it relaxes to the slow interval. */
function nextPollInterval(timing: FlowTiming, interval: number, waitedMs: number): number {
  if (waitedMs >= timing.relaxAfterMs) return timing.relaxedPollIntervalMs;
  return Math.min(Math.round(interval * 1.5), timing.maxPollIntervalMs);
}

/** A server without the operations endpoint answers 404: fall back to the CVM detail from then on. */
function unlisted(error: unknown): null {
  if (error instanceof NotFoundError) return null;
  throw error;
}
