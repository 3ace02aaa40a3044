import { exponentialBackoff } from "../api/retry";

/**
 * The decisions of the two-phase update, kept free of I/O: given what the last step brought (a
 * `PATCH /cvms/{id}/envs` answer or a registration on chain), what happens next. The flow starts
 * with `firstStep` and runs every step the same way until one is `done` or `fail`.
 */

/** What a PATCH answered, reduced to what the flow needs. */
export type PatchOutcome =
  | {
      readonly kind: "accepted";
      readonly correlationId: string;
      /** undefined when the server left `allowed_envs_changed` out. */
      readonly allowedEnvsChanged: boolean | undefined;
    }
  | {
      readonly kind: "precondition_required";
      readonly composeHash: string;
      readonly appId: string;
      /** The 465's `device_id`, when it names one: the app must allow it too. */
      readonly deviceId?: string;
      /** null when the KMS is not governed on-chain (PHALA KMS). */
      readonly chainId: number | null;
    }
  | {
      readonly kind: "rejected";
      readonly reason: RejectionReason;
      readonly message: string;
      readonly error: unknown;
    };

export type RejectionReason =
  | "compose_hash_invalid" // 466
  | "tx_verification_failed" // 467
  | "hash_not_allowed" // 468
  | "busy" // 409: another operation is running (the API client leaves it to the flow)
  | "other";

/** The chain step registered the compose hash a 465 asked for. */
export interface Registered {
  readonly kind: "registered";
  readonly composeHash: string;
  readonly transactionHash: string;
  readonly registeredOn: RegistrationTarget;
}

/** What a step brought: the answer of a send, or the result of a registration. */
export type FlowEvent = PatchOutcome | Registered;

/** The extra phase-2 fields; absent in phase 1. */
export interface Phase2Fields {
  readonly composeHash: string;
  readonly transactionHash?: string;
}

/** Where the chain step registered the compose hash; names the contract in a 468. */
export interface RegistrationTarget {
  readonly contract: string;
  readonly chainId: number;
}

export interface FlowState {
  readonly phase2?: Phase2Fields;
  readonly registeredOn?: RegistrationTarget;
  readonly invalidHashRestarts: number;
  readonly txVerificationRetries: number;
  readonly busyRetries: number;
  /** Time scheduled between busy answers so far, reported when the flow gives up. */
  readonly busyWaitedMs: number;
}

export interface FlowLimits {
  /** 466: start again from phase 1 this many times. */
  readonly maxInvalidHashRestarts: number;
  /** 467: repeat phase 2 this many times (the API's RPC may lag behind the signer's). */
  readonly maxTxVerificationRetries: number;
  readonly maxBusyRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = {
  maxInvalidHashRestarts: 1,
  maxTxVerificationRetries: 4,
  maxBusyRetries: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 30_000,
};

/** What a 465 asks the chain step to register, and where. */
export interface RegistrationRequest {
  readonly composeHash: string;
  readonly appId: string;
  /** The 465's `device_id`: the app must allow it (else `addDevice` goes first). */
  readonly deviceId?: string;
  readonly chainId: number;
}

export type NextStep =
  | {
      readonly kind: "done";
      readonly correlationId: string;
      readonly allowedEnvsChanged: boolean | undefined;
    }
  /** Run the chain step for this 465; its `registered` event leads to phase 2 with the same ciphertext. */
  | ({ readonly kind: "register" } & RegistrationRequest)
  | { readonly kind: "send"; readonly phase2?: Phase2Fields; readonly delayMs: number; readonly why?: string }
  | { readonly kind: "fail"; readonly message?: string; readonly error?: unknown };

export const initialFlowState: FlowState = {
  invalidHashRestarts: 0,
  txVerificationRetries: 0,
  busyRetries: 0,
  busyWaitedMs: 0,
};

/** Phase 1: send the env and the key list. */
export const firstStep: NextStep = { kind: "send", delayMs: 0 };

export function decideNext(
  state: FlowState,
  event: FlowEvent,
  limits: FlowLimits = DEFAULT_FLOW_LIMITS,
): { next: NextStep; state: FlowState } {
  switch (event.kind) {
    case "accepted":
      return { state, next: { kind: "done", ...pick(event) } };
    case "precondition_required":
      return preconditionRequired(state, event);
    case "registered":
      return registered(state, event);
    case "rejected":
      return rejected(state, event, limits);
  }
}

const pick = ({
  correlationId,
  allowedEnvsChanged,
}: {
  correlationId: string;
  allowedEnvsChanged: boolean | undefined;
}) => ({
  correlationId,
  allowedEnvsChanged,
});

function preconditionRequired(
  state: FlowState,
  outcome: Extract<PatchOutcome, { kind: "precondition_required" }>,
): { next: NextStep; state: FlowState } {
  if (state.phase2 !== undefined) {
    return {
      state,
      next: {
        kind: "fail",
        message: `the API asked again for compose hash registration (HTTP 465) after phase 2 sent compose hash ${state.phase2.composeHash}`,
      },
    };
  }
  if (outcome.chainId === null) {
    // PHALA KMS answering 465: confirm with the compose hash alone, there is no contract to write.
    const phase2 = { composeHash: outcome.composeHash };
    return {
      state: { ...state, phase2 },
      next: { kind: "send", phase2, delayMs: 0, why: "confirming compose hash" },
    };
  }
  return {
    state,
    next: {
      kind: "register",
      composeHash: outcome.composeHash,
      appId: outcome.appId,
      ...(outcome.deviceId ? { deviceId: outcome.deviceId } : {}),
      chainId: outcome.chainId,
    },
  };
}

/** After the chain step: phase 2 carries the compose hash verbatim and the registration transaction. */
function registered(state: FlowState, event: Registered): { next: NextStep; state: FlowState } {
  const phase2 = { composeHash: event.composeHash, transactionHash: event.transactionHash };
  return {
    state: { ...state, phase2, registeredOn: event.registeredOn },
    next: { kind: "send", phase2, delayMs: 0 },
  };
}

function rejected(
  state: FlowState,
  outcome: Extract<PatchOutcome, { kind: "rejected" }>,
  limits: FlowLimits,
): { next: NextStep; state: FlowState } {
  const server = outcome.message;
  switch (outcome.reason) {
    case "compose_hash_invalid": {
      if (state.invalidHashRestarts >= limits.maxInvalidHashRestarts) {
        return {
          state,
          next: {
            kind: "fail",
            message: `the API rejected the compose hash as invalid or expired (HTTP 466) again after starting over: ${server}`,
          },
        };
      }
      const next: FlowState = { ...initialFlowState, invalidHashRestarts: state.invalidHashRestarts + 1 };
      return {
        state: next,
        next: { kind: "send", delayMs: 0, why: "compose hash expired (HTTP 466); starting over" },
      };
    }
    case "tx_verification_failed": {
      const attempt = state.txVerificationRetries + 1;
      if (state.phase2 === undefined || attempt > limits.maxTxVerificationRetries) {
        const tx = state.phase2?.transactionHash ?? "(none)";
        return {
          state,
          next: {
            kind: "fail",
            message:
              `the API could not verify registration transaction ${tx} (HTTP 467) after ${state.txVerificationRetries} retries: ${server}. ` +
              "The API's chain node may lag behind; run the update again and the registered hash is reused.",
          },
        };
      }
      return {
        state: { ...state, txVerificationRetries: attempt },
        next: {
          kind: "send",
          phase2: state.phase2,
          delayMs: exponentialBackoff(attempt, limits),
          why: "transaction not verified yet (HTTP 467); retrying phase 2",
        },
      };
    }
    case "hash_not_allowed": {
      const hash = state.phase2?.composeHash ?? "(unknown)";
      const target = state.registeredOn;
      const contract = target
        ? `app contract ${target.contract} on chain ${target.chainId}`
        : "the app contract";
      const tx = state.phase2?.transactionHash;
      return {
        state,
        next: {
          kind: "fail",
          message:
            `the API reports compose hash ${hash} is not allowed by ${contract} (HTTP 468): ${server}. ` +
            `Check that ${tx ? `registration transaction ${tx}` : "the registration transaction"} succeeded ` +
            `and that allowedComposeHashes(${hash}) is true on ${target ? target.contract : "that contract"}, then run the update again.`,
        },
      };
    }
    case "busy": {
      const attempt = state.busyRetries + 1;
      if (attempt > limits.maxBusyRetries) {
        // The API client does not repeat a busy update itself: these are all the requests sent.
        const seconds = Math.round(state.busyWaitedMs / 1000);
        return {
          state,
          next: {
            kind: "fail",
            message:
              `the CVM was busy with another operation (HTTP 409) for each of ${attempt} update requests, ` +
              `with ${seconds} s of waiting between them: ${server}. Run the update again once that operation has finished.`,
          },
        };
      }
      const delayMs = exponentialBackoff(attempt, limits);
      return {
        state: { ...state, busyRetries: attempt, busyWaitedMs: state.busyWaitedMs + delayMs },
        next: {
          kind: "send",
          ...(state.phase2 ? { phase2: state.phase2 } : {}),
          delayMs,
          why: "another operation is running on the CVM; retrying",
        },
      };
    }
    case "other":
      return { state, next: { kind: "fail", error: outcome.error } };
  }
}
