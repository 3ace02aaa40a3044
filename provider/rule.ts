import type { z } from "zod";

/**
 * A zod refinement from a rule that answers why a value is unusable, or `undefined`. The rules
 * return fixed texts, so a rejected value (a key, a URL with a token) never reaches a message.
 */
export const satisfies =
  (problemOf: (value: string) => string | undefined) =>
  (value: string, ctx: z.core.$RefinementCtx<string>): void => {
    const problem = problemOf(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  };
