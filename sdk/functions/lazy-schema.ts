import type { z } from "zod";
import { lazy, lazyModule } from "../../provider/lazy-module";

const zod = lazyModule<typeof import("zod")>(require, "zod");

/**
 * A zod schema (or shape) built on its first use, so that importing the SDK loads no zod: a program
 * that never calls a data-source function never pays for it. Every schema of the functions is declared
 * this way; call it for the schema, or hand it to `prepareCall` as it is:
 *
 *     const argsSchema = lazySchema((z) => z.strictObject({ kmsId: kmsIdSchema(), ...connectionArgShape() }));
 *     const { args: parsed, client } = prepareCall(FUNCTION, argsSchema, args, options);
 */
export function lazySchema<T>(build: (zod: typeof z) => T): () => T {
  return lazy(() => build(zod().z));
}
