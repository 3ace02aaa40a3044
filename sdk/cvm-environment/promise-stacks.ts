/**
 * While a resource registers, the Pulumi runtime makes four promises per property and formats a stack
 * trace for each one, through the program's source maps under ts-node. With this resource's two dozen
 * properties that is most of the program's time per resource. Those stacks are printed only for leaked
 * promises with `PULUMI_DEBUG_PROMISE_LEAKS` set, so until then none is captured. The runtime lifts the
 * limit itself for the one stack it does use (the resource's source position).
 *
 * Returns the function that restores the limit; call it once registration has started.
 */
export function withoutPromiseStacks(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
