import type { BootDecision } from "../chain/boot-authorization";
import { upstreamComposeHash } from "../compose/compose-hash";
import { EnvBlobError, type EnvEntry, openEnvBlob } from "../crypto/env-blob";
import type { Clock } from "./clock";
import { allowedEnvs, type CvmRecord } from "./cvm";
import { applyGuestEnvRules } from "./guest-env";
import { newUuid } from "./ids";
import type { KeyService } from "./kms";
import type { EmulatorSettings } from "./settings";

export type OperationEvent = { event_type: string; timestamp: string; state: string };

/** One CVM operation in the shape of `GET /cvms/{id}/operations` items. */
export type OperationView = {
  correlation_id: string;
  operation_type: string;
  target_state: string;
  triggered_by: number;
  triggered_by_username: string;
  triggered_by_email: string;
  started_at: string;
  completed_at: string | null;
  duration_ms: number | null;
  status: "in_progress" | "completed" | "failed";
  error_message: string | null;
  sub_operations: string[];
  events: OperationEvent[];
  instance_name: string;
  compose_hash: string | null;
};

/** What an accepted `PATCH …/envs` will apply when the CVM boots again. */
export type EnvUpdate = { encryptedEnv: string; allowedEnvs: string[] | null };

export type Operation = OperationView & { update: EnvUpdate };

export const EMULATOR_USER = { id: 1, username: "emulator", email: "emulator@localhost" } as const;

export function operationView(op: Operation): OperationView {
  const { update: _update, ...view } = op;
  return view;
}

/**
 * Runs env-update operations: marks the CVM busy at once, lets it still report `running` for the first
 * quarter of the duration (as the real API does right after a 202), then `restarting`, then applies the
 * env with the guest rules and returns to `running`.
 */
/** Whether the KMS would release the app's keys to the CVM booting with this compose (on-chain KMS). */
export type BootCheck = (cvm: CvmRecord, nextCompose: Record<string, unknown>) => Promise<BootDecision>;

export class OperationRunner {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly clock: Clock,
    private readonly settings: EmulatorSettings,
    private readonly keys: KeyService,
    private readonly bootCheck: BootCheck,
  ) {}

  start(cvm: CvmRecord, update: EnvUpdate): Operation {
    const startedAt = this.clock.iso();
    const op: Operation = {
      correlation_id: newUuid(),
      operation_type: "update_env",
      target_state: "running",
      triggered_by: EMULATOR_USER.id,
      triggered_by_username: EMULATOR_USER.username,
      triggered_by_email: EMULATOR_USER.email,
      started_at: startedAt,
      completed_at: null,
      duration_ms: null,
      status: "in_progress",
      error_message: null,
      sub_operations: ["update_env", "restart"],
      events: [{ event_type: "operation_started", timestamp: startedAt, state: cvm.status }],
      instance_name: cvm.name,
      compose_hash: null,
      update,
    };
    cvm.operations.unshift(op);
    cvm.progress = { target: "running", started_at: startedAt, correlation_id: op.correlation_id };
    const duration = Math.max(0, this.settings.operationDurationMs);
    this.after(Math.floor(duration / 4), () => {
      cvm.status = "restarting";
      op.events.push({ event_type: "state_changed", timestamp: this.clock.iso(), state: "restarting" });
      this.after(duration - Math.floor(duration / 4), () => {
        this.finish(cvm, op).catch((error: unknown) => {
          process.stderr.write(`emulator: operation ${op.correlation_id} failed: ${String(error)}\n`);
        });
      });
    });
    return op;
  }

  /** Cancels pending timers (emulator shutdown). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private async finish(cvm: CvmRecord, op: Operation): Promise<void> {
    const outcome = await this.apply(cvm, op.update);
    const now = this.clock.now();
    op.completed_at = this.clock.iso(now);
    op.duration_ms = now - Date.parse(op.started_at);
    if (outcome.ok) {
      op.status = "completed";
    } else {
      op.status = "failed";
      op.error_message = outcome.error;
    }
    op.compose_hash = upstreamComposeHash(cvm.appCompose);
    cvm.status = "running";
    cvm.progress = null;
    op.events.push({
      event_type: outcome.ok ? "operation_completed" : "operation_failed",
      timestamp: op.completed_at,
      state: "running",
    });
  }

  private async apply(
    cvm: CvmRecord,
    update: EnvUpdate,
  ): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.settings.failNextOperation !== null) {
      const error = this.settings.failNextOperation;
      this.settings.failNextOperation = null;
      return { ok: false, error };
    }
    const nextCompose = update.allowedEnvs
      ? { ...cvm.appCompose, allowed_envs: update.allowedEnvs }
      : cvm.appCompose;
    const boot = await this.bootCheck(cvm, nextCompose);
    if (!boot.allowed) return { ok: false, error: `the KMS refused to release the app keys: ${boot.reason}` };
    let decrypted: EnvEntry[];
    try {
      decrypted = openEnvBlob(update.encryptedEnv, this.keys.envSecretKey(cvm.appId));
    } catch (error) {
      const message = error instanceof EnvBlobError ? error.message : "encrypted env could not be decrypted";
      return { ok: false, error: `failed to decrypt environment: ${message}` };
    }
    const nextAllowed = update.allowedEnvs ?? allowedEnvs(cvm);
    const result = applyGuestEnvRules(decrypted, nextAllowed);
    if (!result.ok) return { ok: false, error: `invalid environment: ${result.error}` };
    cvm.appCompose = nextCompose;
    cvm.encryptedEnv = update.encryptedEnv;
    cvm.receivedEnvKeys = [...new Set(decrypted.map((e) => e.key))];
    cvm.env = result.env;
    return { ok: true };
  }
}
