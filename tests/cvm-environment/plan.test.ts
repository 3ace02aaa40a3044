import assert from "node:assert/strict";
import {
  DEFAULT_FLOW_LIMITS,
  decideNext,
  type FlowEvent,
  type FlowState,
  firstStep,
  initialFlowState,
  type PatchOutcome,
  type RegistrationTarget,
} from "../../provider/cvm-environment/plan";

const rejected = (reason: Extract<PatchOutcome, { kind: "rejected" }>["reason"]): PatchOutcome => ({
  kind: "rejected",
  reason,
  message: "server says no",
  error: new Error("server says no"),
});

const registered = (
  composeHash: string,
  transactionHash: string,
  registeredOn: RegistrationTarget = { contract: "0x11", chainId: 31337 },
): FlowEvent => ({ kind: "registered", composeHash, transactionHash, registeredOn });

describe("CvmEnvironment flow decisions", () => {
  it("starts with phase 1: a send without phase-2 fields", () => {
    assert.deepEqual(firstStep, { kind: "send", delayMs: 0 });
  });

  it("202 is done", () => {
    const { next } = decideNext(initialFlowState, {
      kind: "accepted",
      correlationId: "c",
      allowedEnvsChanged: true,
    });
    assert.deepEqual(next, { kind: "done", correlationId: "c", allowedEnvsChanged: true });
  });

  it("465 with a chain runs the chain step, then phase 2 carries hash and transaction", () => {
    const { next, state } = decideNext(initialFlowState, {
      kind: "precondition_required",
      composeHash: "ab",
      appId: "0x11",
      chainId: 31337,
    });
    assert.deepEqual(next, { kind: "register", composeHash: "ab", appId: "0x11", chainId: 31337 });
    const after = decideNext(state, registered("ab", "0xtx"));
    assert.deepEqual(after.next, {
      kind: "send",
      phase2: { composeHash: "ab", transactionHash: "0xtx" },
      delayMs: 0,
    });
    const again = decideNext(after.state, {
      kind: "precondition_required",
      composeHash: "ab",
      appId: "",
      chainId: 1,
    });
    assert.equal(again.next.kind, "fail");
  });

  it("465 without a chain (PHALA KMS) confirms with the compose hash only", () => {
    const { next } = decideNext(initialFlowState, {
      kind: "precondition_required",
      composeHash: "ab",
      appId: "11",
      chainId: null,
    });
    assert.equal(next.kind, "send");
    assert.deepEqual(next.kind === "send" && next.phase2, { composeHash: "ab" });
  });

  it("466 starts over from phase 1 once, then fails", () => {
    const inPhase2: FlowState = {
      ...initialFlowState,
      phase2: { composeHash: "ab", transactionHash: "0x1" },
    };
    const first = decideNext(inPhase2, rejected("compose_hash_invalid"));
    assert.equal(first.next.kind, "send");
    assert.equal(first.next.kind === "send" && first.next.phase2, undefined);
    const second = decideNext(first.state, rejected("compose_hash_invalid"));
    assert.equal(second.next.kind, "fail");
    assert.match((second.next.kind === "fail" && second.next.message) || "", /466.*server says no/);
  });

  it("467 retries phase 2 with growing delays, then fails with the transaction hash", () => {
    let state: FlowState = { ...initialFlowState, phase2: { composeHash: "ab", transactionHash: "0xtx" } };
    const delays: number[] = [];
    for (;;) {
      const step = decideNext(state, rejected("tx_verification_failed"));
      state = step.state;
      if (step.next.kind !== "send") {
        assert.equal(step.next.kind, "fail");
        assert.match((step.next.kind === "fail" && step.next.message) || "", /0xtx.*467/);
        break;
      }
      assert.deepEqual(step.next.phase2, { composeHash: "ab", transactionHash: "0xtx" });
      delays.push(step.next.delayMs);
    }
    assert.equal(delays.length, DEFAULT_FLOW_LIMITS.maxTxVerificationRetries);
    assert.deepEqual(
      delays,
      [...delays].sort((a, b) => a - b),
    );
  });

  it("468 and unknown errors fail; an unknown error is passed through as is", () => {
    assert.equal(decideNext(initialFlowState, rejected("hash_not_allowed")).next.kind, "fail");
    const afterChain = decideNext(
      initialFlowState,
      registered("ab", "0xtx", { contract: "0xc0de", chainId: 8453 }),
    );
    const notAllowed = decideNext(afterChain.state, rejected("hash_not_allowed")).next;
    assert.equal(notAllowed.kind, "fail");
    const message = (notAllowed.kind === "fail" && notAllowed.message) || "";
    for (const part of ["ab", "0xtx", "0xc0de", "8453", "468", "server says no"]) {
      assert.ok(message.includes(part), `${part}: ${message}`);
    }
    const other = decideNext(initialFlowState, rejected("other")).next;
    assert.ok(other.kind === "fail" && other.error instanceof Error);
  });

  it("busy retries keep the current phase", () => {
    const state: FlowState = { ...initialFlowState, phase2: { composeHash: "ab" } };
    const { next } = decideNext(state, rejected("busy"));
    assert.ok(next.kind === "send" && next.phase2?.composeHash === "ab" && next.delayMs > 0);
  });

  it("busy gives up after maxBusyRetries, stating the requests sent and the time waited", () => {
    const limits = { ...DEFAULT_FLOW_LIMITS, maxBusyRetries: 3, baseDelayMs: 1_000, maxDelayMs: 3_000 };
    let state: FlowState = initialFlowState;
    const delays: number[] = [];
    for (;;) {
      const decision = decideNext(state, rejected("busy"), limits);
      state = decision.state;
      if (decision.next.kind !== "send") {
        assert.equal(decision.next.kind, "fail");
        const message = (decision.next.kind === "fail" && decision.next.message) || "";
        assert.equal(delays.length, 3);
        assert.match(message, /for each of 4 update requests, with 6 s of waiting between them/);
        return;
      }
      delays.push(decision.next.delayMs);
    }
  });
});
