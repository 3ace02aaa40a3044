import assert from "node:assert/strict";
import type { CvmDetail, CvmOperation } from "../../provider/api";
import { OperationFailedError, ReadyTimeoutError } from "../../provider/cvm-environment/errors";
import type { CvmEnvironmentApi, FlowContext } from "../../provider/cvm-environment/ports";
import { waitForOperation } from "../../provider/cvm-environment/wait-for-operation";

function fakeContext(
  operations: (clock: number) => CvmOperation[],
  detail: () => Partial<CvmDetail> = () => ({}),
) {
  let clock = 0;
  const sleeps: number[] = [];
  const reports: string[] = [];
  const api = {
    listOperations: async () => operations(clock),
    getCvm: async () => ({ id: "cvm_1", name: "n", status: "running", inProgress: false, ...detail() }),
  } as unknown as CvmEnvironmentApi;
  const ctx = {
    api,
    report: (m: string) => reports.push(m),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    timing: {
      pollIntervalMs: 500,
      maxPollIntervalMs: 2000,
      relaxAfterMs: 300_000,
      relaxedPollIntervalMs: 10_000,
    },
  } as unknown as FlowContext;
  return { ctx, sleeps, reports };
}

const op = (status: string, extra: Partial<CvmOperation> = {}): CvmOperation => ({
  correlationId: "c1",
  operationType: "update_env",
  status,
  ...extra,
});

describe("CvmEnvironment operation wait", () => {
  it("polls with intervals growing to the cap until the operation completes, reporting state changes once", async () => {
    let polls = 0;
    const { ctx, sleeps, reports } = fakeContext(() => [op(++polls < 7 ? "in_progress" : "completed")]);
    await waitForOperation(ctx, { cvmId: "cvm_1", correlationId: "c1", timeoutSeconds: 60 });
    assert.deepEqual(sleeps, [500, 750, 1125, 1688, 2000, 2000, 2000]);
    assert.equal(reports.filter((r) => r.includes("in_progress")).length, 1);
  });

  it("looks first after one interval, so an operation that is over by then costs one request", async () => {
    let polls = 0;
    const { ctx, sleeps } = fakeContext(() => {
      polls++;
      return [op("completed")];
    });
    await waitForOperation(ctx, { cvmId: "cvm_1", correlationId: "c1", timeoutSeconds: 60 });
    assert.deepEqual(sleeps, [500]);
    assert.equal(polls, 1);
  });

  it("notices an operation that ends after 10 s within the capped interval", async () => {
    const { ctx, sleeps } = fakeContext((clock) => [op(clock >= 10_000 ? "completed" : "in_progress")]);
    await waitForOperation(ctx, { cvmId: "cvm_1", correlationId: "c1", timeoutSeconds: 60 });
    const waited = sleeps.reduce((a, b) => a + b, 0);
    assert.ok(waited >= 10_000 && waited <= 12_000, `waited ${waited} ms`);
  });

  it("relaxes to the slow interval after a long wait", async () => {
    const { ctx, sleeps } = fakeContext(() => [op("in_progress")]);
    await assert.rejects(
      waitForOperation(ctx, { cvmId: "cvm_1", correlationId: "c1", timeoutSeconds: 330 }),
      ReadyTimeoutError,
    );
    let elapsed = 0;
    for (const ms of sleeps) {
      if (elapsed < 300_000) assert.ok(ms <= 2000, `slept ${ms} ms after ${elapsed} ms`);
      elapsed += ms;
    }
    assert.deepEqual(sleeps.slice(-3, -1), [10_000, 10_000]);
  });

  it("a failed operation carries the server's message", async () => {
    const { ctx } = fakeContext(() => [op("failed", { errorMessage: "boot error: disk full" })]);
    await assert.rejects(
      waitForOperation(ctx, { cvmId: "cvm_1", correlationId: "c1", timeoutSeconds: 60 }),
      (error: unknown) => error instanceof OperationFailedError && /disk full/.test(error.message),
    );
  });

  it("honours the timeout", async () => {
    const { ctx, sleeps } = fakeContext(() => [op("in_progress")]);
    await assert.rejects(
      waitForOperation(ctx, { cvmId: "cvm_1", correlationId: "c1", timeoutSeconds: 10 }),
      ReadyTimeoutError,
    );
    assert.equal(
      sleeps.reduce((a, b) => a + b, 0),
      10_000,
    );
  });

  it("without an operations entry, trusts an idle running CVM after a few looks", async () => {
    const { ctx, sleeps } = fakeContext(() => []);
    await waitForOperation(ctx, { cvmId: "cvm_1", correlationId: "c1", timeoutSeconds: 60 });
    assert.equal(sleeps.length, 3);
  });
});
