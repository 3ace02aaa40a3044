import type { z } from "zod";
import { CvmEnvironmentError } from "./errors";

/**
 * An argument the engine handed to an entry point that does not have the shape of this resource's
 * inputs or state. Names the paths and zod's fixed messages, never a value.
 */
class InvalidResourceArgumentError extends CvmEnvironmentError {
  constructor(what: string, error: z.ZodError) {
    const problems = error.issues.map(
      (issue) => `${issue.path.map(String).join(".") || what}: ${issue.message}`,
    );
    super(`CvmEnvironment ${what} is not valid: ${problems.join("; ")}`);
  }
}

/** How every entry point reads what the engine hands it: zod at the boundary; absent means empty. */
export function parseArgument<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidResourceArgumentError(what, parsed.error);
}
