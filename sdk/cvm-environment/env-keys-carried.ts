import * as pulumi from "@pulumi/pulumi";
import { UNCARRIABLE_KEYS, UNCARRIABLE_PROBLEM } from "../../provider/cvm-environment/uncarriable-keys";
import { PhalaError } from "../../provider/phala-error";

export class UncarriableEnvKeyError extends PhalaError {
  constructor(key: string) {
    super(`env key ${JSON.stringify(key)} ${UNCARRIABLE_PROBLEM}`);
  }
}

function assertCarried<T>(env: T): T {
  if (env !== null && typeof env === "object") {
    for (const key of UNCARRIABLE_KEYS) if (Object.hasOwn(env, key)) throw new UncarriableEnvKeyError(key);
  }
  return env;
}

/**
 * `env` as given, after making sure no key would be dropped on the way: at once for a plain map,
 * when it resolves for an Output or a Promise (then the resource registration fails with the error).
 */
export function envKeysCarried<T extends object>(
  env: pulumi.Input<T> | undefined,
): pulumi.Input<T> | undefined {
  if (env === undefined) return undefined;
  if (pulumi.Output.isInstance(env)) return env.apply(assertCarried);
  if (env instanceof Promise) return env.then(assertCarried);
  return assertCarried(env);
}
