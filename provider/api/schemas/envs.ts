import { z } from "zod";

/** 202 of `PATCH /cvms/{id}/envs`. */
export const envsAcceptedSchema = z.object({
  status: z.string().optional(),
  message: z.string().nullish(),
  correlation_id: z.string().min(1),
  allowed_envs_changed: z
    .boolean()
    .nullish()
    .transform((v) => v ?? undefined),
});
