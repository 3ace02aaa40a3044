/**
 * Env keys that Pulumi cannot carry as a property-map key: its serialization assigns each key of
 * a map (`result[key] = value`), and assigning `__proto__` is a no-op, so the key and its value
 * would vanish between the program, the engine and the provider without a trace. The guest accepts
 * the name; the SDK and `check` report it instead of losing it.
 */
export const UNCARRIABLE_KEYS: readonly string[] = ["__proto__"];

export const UNCARRIABLE_PROBLEM =
  "cannot be passed through Pulumi's property maps (its serialization drops that key and its value without a trace); rename the variable";
