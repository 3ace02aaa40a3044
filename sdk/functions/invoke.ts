/**
 * Plumbing shared by the data-source functions: argument validation, API client construction from
 * stack config and environment, and the `Output` form of a function.
 *
 * Dynamic providers cannot serve invokes, so these functions run in the Pulumi program's own process,
 * during preview as well as during update; everything here is read-only.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { PhalaClient } from "../../provider/api";
import { apiUrlProblem } from "../../provider/api/base-url";
import { compact } from "../../provider/compact";
import { PHALA_SETTING_ENV_VARS, requireApiKey, resolvePhalaSettings } from "../../provider/config";
import { lazyModule } from "../../provider/lazy-module";
import { satisfies } from "../../provider/rule";
import { type ArgumentProblem, InvalidArgumentError } from "./argument-error";
import { lazySchema } from "./lazy-schema";

/** Connection arguments every function accepts; each overrides stack config and environment. */
export interface ConnectionArgs {
  /**
   * Phala Cloud API key for this call. Defaults to the `phala:apiKey` stack config (set it with
   * `pulumi config set --secret phala:apiKey …`), then the `PHALA_CLOUD_API_KEY` environment variable.
   * Never part of a result or an error message.
   */
  apiKey?: string;
  /**
   * API prefix including `/api/v1`, e.g. `https://cloud-api.phala.com/api/v1`. Defaults to the
   * `phala:apiUrl` stack config, then `PHALA_CLOUD_API_PREFIX`, then the public Phala Cloud API.
   */
  apiUrl?: string;
}

/** Options of the Promise form of every function. */
export interface PhalaInvokeOptions {
  /** Timeout of each HTTP request in milliseconds (1–600000); the client's default when omitted. */
  timeoutMs?: number;
}

/** Options of the Output form of every function. */
export interface PhalaInvokeOutputOptions extends PhalaInvokeOptions {
  /**
   * Resources to wait for before the call is made: custom resources until their id is known,
   * components until their URN is. While a dependency's id is unknown (preview of a new resource),
   * the result is unknown too.
   */
  dependsOn?: pulumi.Resource | pulumi.Resource[];
}

/** The arguments of a function's Output form: every field may be an `Input`. */
export type OutputArgs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** zod shape of {@link ConnectionArgs}; spread `connectionArgShape()` into each function's argument schema. */
export const connectionArgShape = lazySchema((z) => ({
  apiKey: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, { error: "must not be empty" })
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    .regex(/^[^\s\u0000-\u001f\u007f]+$/, { error: "must not contain whitespace or control characters" })
    .optional(),
  apiUrl: z
    .string({ error: "must be a string" })
    .trim()
    .superRefine(satisfies(apiUrlProblem))
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
}));

const invokeOptionsSchema = lazySchema((z) =>
  z.strictObject({
    timeoutMs: z
      .number({ error: "must be a number of milliseconds" })
      .int({ error: "must be a whole number of milliseconds" })
      .min(1, { error: "must be at least 1" })
      .max(600_000, { error: "must be at most 600000" })
      .optional(),
  }),
);

function issueProblems(issues: readonly z.core.$ZodIssue[], prefix: string): ArgumentProblem[] {
  const problems: ArgumentProblem[] = [];
  for (const issue of issues) {
    const path = [prefix, ...issue.path.map((p) => String(p))].filter((p) => p !== "").join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ argument: path === "" ? key : `${path}.${key}`, problem: "is not a known argument" });
      }
      continue;
    }
    // Messages are this module's own (schema-level errors) or the per-parse map below; neither
    // quotes the value that was passed. One problem per argument: the first check that failed.
    const argument = path === "" ? "(arguments)" : path;
    if (!problems.some((p) => p.argument === argument)) problems.push({ argument, problem: issue.message });
  }
  return problems;
}

/** Generic messages for issues without a schema-level message; the input is never quoted. */
const fallbackMessage = (issue: z.core.$ZodRawIssue): string => {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    return issue.expected === "object" ? "must be an object" : `must be of type ${issue.expected}`;
  }
  return "is invalid";
};

/**
 * Validates a function's arguments (and options) before anything else happens. Throws an
 * {@link InvalidArgumentError} naming each bad argument; returns the parsed, normalized values.
 */
function parseArguments<S extends z.ZodType>(functionName: string, schema: S, args: unknown): z.output<S> {
  const result = schema.safeParse(args ?? {}, { error: fallbackMessage });
  if (result.success) return result.data;
  throw new InvalidArgumentError(functionName, issueProblems(result.error.issues, ""));
}

/** Validates the Promise-form options. */
function parseInvokeOptions(functionName: string, options: unknown): PhalaInvokeOptions {
  const result = invokeOptionsSchema().safeParse(options ?? {}, { error: fallbackMessage });
  if (result.success) return result.data;
  throw new InvalidArgumentError(functionName, issueProblems(result.error.issues, "options"));
}

/** The client (got) loads when a function is first called, not when the program imports the SDK. */
const apiClient = lazyModule<typeof import("../../provider/api/client")>(
  require,
  "../../provider/api/client",
);

/**
 * The API client for one call. Settings: the call's own `apiKey`/`apiUrl`, then `phala:apiKey` /
 * `phala:apiUrl` stack config (secret config included), then `PHALA_CLOUD_API_KEY` /
 * `PHALA_CLOUD_API_PREFIX`.
 */
function connect(functionName: string, args: ConnectionArgs, options: PhalaInvokeOptions): PhalaClient {
  const config = new pulumi.Config("phala");
  const settings = resolvePhalaSettings((name) =>
    name === "apiKey" || name === "apiUrl" ? config.get(name) : undefined,
  );
  const apiKey = args.apiKey ?? requireApiKey(settings);
  const apiUrl = args.apiUrl ?? settings.apiUrl;
  const problem = apiUrl === undefined ? undefined : apiUrlProblem(apiUrl);
  if (problem !== undefined) {
    throw new InvalidArgumentError(functionName, [
      { argument: "apiUrl", problem: `(from phala:apiUrl or ${PHALA_SETTING_ENV_VARS.apiUrl}) ${problem}` },
    ]);
  }
  const { PhalaClient } = apiClient();
  return new PhalaClient(compact({ apiKey, baseUrl: apiUrl, timeoutMs: options.timeoutMs }));
}

/**
 * The start of every Promise-form function: validates its arguments against its {@link lazySchema}
 * and its options (nothing is sent when they are bad) and builds the API client from them and the
 * configured settings.
 */
export function prepareCall<S extends z.ZodType<ConnectionArgs>>(
  functionName: string,
  schema: () => S,
  args: unknown,
  options: unknown,
): { args: z.output<S>; client: PhalaClient } {
  const parsed = parseArguments(functionName, schema(), args);
  return { args: parsed, client: connect(functionName, parsed, parseInvokeOptions(functionName, options)) };
}

function dependencyOutput(dependsOn: PhalaInvokeOutputOptions["dependsOn"]): pulumi.Output<unknown[]> {
  const resources = dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return pulumi.all(
    resources.map(
      (resource): pulumi.Output<string> =>
        pulumi.CustomResource.isInstance(resource) ? resource.id : resource.urn,
    ),
  );
}

/**
 * The Output form of a data-source function: waits for the arguments (and `dependsOn`), then calls
 * the Promise form. If any argument is unknown (preview), the result is unknown. A secret `apiKey`
 * does not make the result secret, since the key is never part of it; any other secret argument does.
 */
export function invokeOutput<A extends ConnectionArgs, R>(
  fn: (args: A, options?: PhalaInvokeOptions) => Promise<R>,
  args: OutputArgs<A> | undefined,
  options: PhalaInvokeOutputOptions | undefined,
): pulumi.Output<R> {
  const { dependsOn, ...invokeOptions } = options ?? {};
  const { apiKey, ...rest } = (args ?? {}) as OutputArgs<A> & OutputArgs<ConnectionArgs>;
  const key: pulumi.Output<string | undefined> = pulumi.unsecret(pulumi.output(apiKey));
  return pulumi.all([pulumi.output(rest), key, dependencyOutput(dependsOn)]).apply(([plain, resolvedKey]) => {
    // `plain` is `rest` with every Input resolved, i.e. `A` without `apiKey`.
    const resolved = {
      ...(plain as object),
      ...(resolvedKey === undefined ? {} : { apiKey: resolvedKey }),
    } as A;
    return fn(resolved, invokeOptions);
  });
}
