/**
 * A tier whose prerequisite is missing: skipped with a reason on a developer machine, a failure
 * under CI=true (CI never skips silently).
 */
export function requireTier(context: Mocha.Context, tier: string, problem: unknown): void {
  const reason = `${tier} tier cannot run: ${problem instanceof Error ? problem.message : String(problem)}`;
  if (process.env.CI === "true") throw new Error(`${reason} (CI=true: failing instead of skipping)`);
  console.warn(`      SKIPPED — ${reason}`);
  context.skip();
}
