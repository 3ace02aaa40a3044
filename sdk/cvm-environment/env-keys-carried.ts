import * as pulumi from "@pulumi/pulumi";
import { withPropertyKeys } from "../../provider/cvm-environment/property-keys";

const carried = <T>(env: T): T =>
  env !== null && typeof env === "object" ? (withPropertyKeys(env as Record<string, unknown>) as T) : env;

/**
 * `env` keyed so that Pulumi's serialization carries every key: the one env key a property map would
 * drop (`__proto__`) goes under its escaped property key, at once for a plain map, when it resolves
 * for an Output or a Promise.
 */
export function envKeysCarried<T extends object>(
  env: pulumi.Input<T> | undefined,
): pulumi.Input<T> | undefined {
  if (env === undefined) return undefined;
  if (pulumi.Output.isInstance(env)) return env.apply(carried);
  if (env instanceof Promise) return env.then(carried);
  return carried(env);
}
