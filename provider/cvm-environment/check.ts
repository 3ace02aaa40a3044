import type { CheckFailure, CheckResult } from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { envProblems } from "../crypto/validate-env";
import { parseArgument } from "./arguments";
import { carryEnvRevisions, deriveEnvRevisions } from "./env-revisions";
import { type PreviewInputs, PreviewInputsSchema, type ProgramInputs, ProgramInputsSchema } from "./inputs";
import { type CvmEnvironmentInputs, INPUT_NAMES, SECRET_NAMES } from "./properties";
import { fromPropertyKey, toPropertyKey, withPropertyKeys } from "./property-keys";
import { structSafe } from "./struct-safe";
import { isUnknown, UNKNOWN, type Unknown } from "./unknown";

type Props = Record<string, unknown>;

const asRecord = (value: unknown): Props | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;

const withoutNulls = (props: Props): Props =>
  Object.fromEntries(Object.entries(props).filter(([key, value]) => value !== null && !key.startsWith("__")));

/** Before anything parses `env` into a new map (which would drop a `__proto__` key): its property keys. */
const withCarriedEnvKeys = (props: Props): Props => {
  const env = asRecord(props.env);
  return env ? { ...props, env: withPropertyKeys(env) } : props;
};

const failuresOf = (error: z.ZodError): CheckFailure[] => flatten(error.issues, []);

/**
 * The engine prints a failure that names a property as `property <name> value <input value> has a
 * problem`, the whole input and secrets included (pulumi `issueCheckFailures`). So no failure names a
 * property: the reason starts with the property path, and the engine prints nothing else.
 */
const failure = (path: string, reason: string): CheckFailure => ({
  property: "",
  reason: `${path}: ${reason}`,
});

/** Unions of "unknown or real value" report the real branch, which has the useful message. */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): CheckFailure[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const realBranch = issue.code === "invalid_union" ? issue.errors.at(-1) : undefined;
    if (realBranch !== undefined && realBranch.length > 0) return flatten(realBranch, path);
    const where = path.length > 0 ? path.map(String).join(".") : "inputs";
    // Property names are no secret; their values never reach a reason.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => failure(key, `is not an input of CvmEnvironment (${KNOWN_INPUTS})`));
    }
    // zod builds messages from the schema, never from the rejected input, and the schema's own
    // messages are fixed strings: no value can reach a reason.
    return [failure(where, issue.message)];
  });
}

const KNOWN_INPUTS = INPUT_NAMES.join(", ");

/** What a failed check hands back: only the inputs that hold no secret and are known to the schema. */
const REPORTABLE_INPUTS: ReadonlySet<string> = new Set(
  INPUT_NAMES.filter((name) => !SECRET_NAMES.includes(name)),
);
const reportableInputs = (raw: Props): CvmEnvironmentInputs =>
  Object.fromEntries(Object.entries(raw).filter(([key]) => REPORTABLE_INPUTS.has(key)));

/**
 * Validates the program's inputs and derives the non-secret diff helper `envRevisions`, a map keyed
 * by env key: the engine diffs maps by key, so preview names each key added (`+ KEY`), removed
 * (`- KEY`) or changed (`~ KEY`); a list would be diffed by position and read as renames. In
 * pre-encrypted mode the declared `envKeys` are folded into that map, the single record of the key
 * set. Pure, tolerates unknown values (it also runs during preview), reports bad inputs as failures;
 * it throws only when the previous inputs are not this resource's.
 */
export function checkCvmEnvironment(olds: unknown, news: unknown): CheckResult<CvmEnvironmentInputs> {
  const previous = parseArgument(PreviewInputsSchema, olds, "check's previous inputs");
  const raw = withCarriedEnvKeys(withoutNulls(asRecord(news) ?? {}));
  const parsed = ProgramInputsSchema.safeParse(raw);
  if (!parsed.success) return { inputs: reportableInputs(raw), failures: failuresOf(parsed.error) };

  const inputs = parsed.data;
  const failures = modeFailures(inputs);
  if (failures.length > 0) return { inputs: reportableInputs(raw), failures };

  const derived =
    inputs.encryptedEnv !== undefined
      ? preEncryptedRevisions(inputs, previous)
      : plainEnvRevisions(inputs, previous);
  if ("failures" in derived) return { inputs: reportableInputs(raw), failures: derived.failures };
  const { envKeys: _folded, ...rest } = inputs;
  return { inputs: structSafe({ ...rest, ...derived }) };
}

function modeFailures(inputs: ProgramInputs): CheckFailure[] {
  const hasEnv = inputs.env !== undefined;
  const hasEncrypted = inputs.encryptedEnv !== undefined;
  if (hasEnv && hasEncrypted) {
    return [failure("encryptedEnv", "env and encryptedEnv are mutually exclusive; set one of them")];
  }
  if (!hasEnv && !hasEncrypted) {
    return [failure("env", "set env (a map of values), or encryptedEnv together with envKeys")];
  }
  if (hasEnv && inputs.envKeys !== undefined) {
    return [failure("envKeys", "envKeys is derived from env; set it only together with encryptedEnv")];
  }
  if (hasEncrypted && inputs.envKeys === undefined) {
    return [failure("envKeys", "encryptedEnv needs envKeys, the keys it contains")];
  }
  return [];
}

type Derived = { envRevisions: Record<string, number | Unknown> | Unknown };

function plainEnvRevisions(
  inputs: ProgramInputs,
  previous: PreviewInputs,
): Derived | { failures: CheckFailure[] } {
  const env = inputs.env;
  if (env === undefined || isUnknown(env)) return { envRevisions: UNKNOWN };
  const problems = envProblems(
    Object.entries(env).map(([key, value]) => ({
      key: fromPropertyKey(key),
      value: isUnknown(value) ? "" : value,
    })),
  );
  if (problems.length > 0) return { failures: problems.map(envFailure("env")) };
  return { envRevisions: deriveEnvRevisions(env, asRecord(previous.env), asRecord(previous.envRevisions)) };
}

function preEncryptedRevisions(
  inputs: ProgramInputs,
  previous: PreviewInputs,
): Derived | { failures: CheckFailure[] } {
  const keys = inputs.envKeys;
  if (keys === undefined || isUnknown(keys) || keys.some(isUnknown)) {
    return { envRevisions: UNKNOWN };
  }
  const problems = envProblems(keys.map((key) => ({ key, value: "" })));
  if (problems.length > 0) return { failures: problems.map(envFailure("envKeys")) };
  return { envRevisions: carryEnvRevisions(keys.map(toPropertyKey), asRecord(previous.envRevisions)) };
}

const envFailure =
  (property: string) =>
  ({ key, problem }: { key: string; problem: string }): CheckFailure =>
    failure(property, key ? `key ${JSON.stringify(key)} ${problem}` : problem);
