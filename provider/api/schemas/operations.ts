import { z } from "zod";
import { compact } from "../../compact";
import { optionalString } from "./common";

export interface CvmOperation {
  correlationId: string;
  operationType: string;
  status: "completed" | "in_progress" | "failed" | (string & {});
  targetState?: string;
  errorMessage?: string;
  startedAt?: string;
  completedAt?: string;
  composeHash?: string;
}

const operationSchema = z
  .object({
    correlation_id: z.string(),
    operation_type: z.string(),
    status: z.string(),
    target_state: optionalString,
    error_message: optionalString,
    started_at: optionalString,
    completed_at: optionalString,
    compose_hash: optionalString,
  })
  .transform(
    (o): CvmOperation =>
      compact({
        correlationId: o.correlation_id,
        operationType: o.operation_type,
        status: o.status,
        targetState: o.target_state,
        errorMessage: o.error_message,
        startedAt: o.started_at,
        completedAt: o.completed_at,
        composeHash: o.compose_hash,
      }),
  );

/** `GET /cvms/{id}/operations`: `{items, next_cursor, total}`. */
export const operationsPageSchema = z.object({
  items: z.array(operationSchema),
  next_cursor: optionalString,
});
