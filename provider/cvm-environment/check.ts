import type { CheckFailure, CheckResult } from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { envProblems } from "../crypto";
import { carryEnvRevisions, deriveEnvRevisions } from "./env-revisions";
import { type ProgramInputs, ProgramInputsSchema } from "./inputs";
import { structSafe } from "./struct-safe";
import { isUnknown, UNKNOWN } from "./unknown";

type Props = Record<string, unknown>;

const asRecord = (value: unknown): Props | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;

const withoutNulls = (props: Props): Props =>
  Object.fromEntries(Object.entries(props).filter(([key, value]) => value !== null && !key.startsWith("__")));

const failuresOf = (error: z.ZodError): CheckFailure[] => flatten(error.issues, []);

/** Unions of "unknown or real value" report the real branch, which has the useful message. */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): CheckFailure[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const realBranch = issue.code === "invalid_union" ? issue.errors.at(-1) : undefined;
    if (realBranch !== undefined && realBranch.length > 0) return flatten(realBranch, path);
    return [
      {
        property: path.length > 0 ? path.map(String).join(".") : "inputs",
        // zod builds messages from the schema, never from the rejected input, and the schema's own
        // messages are fixed strings: no value can reach a reason.
        reason: issue.message,
      },
    ];
  });
}

/**
 * Validates the program's inputs and derives the non-secret diff helper `envRevisions`, a map keyed
 * by env key: the engine diffs maps by key, so preview names each key added (`+ KEY`), removed
 * (`- KEY`) or changed (`~ KEY`); a list would be diffed by position and read as renames. In
 * pre-encrypted mode the declared `envKeys` are folded into that map, the single record of the key
 * set. Pure, never throws, tolerates unknown values: it also runs during preview.
 */
export function checkCvmEnvironment(olds: unknown, news: unknown): CheckResult {
  const previous = asRecord(olds) ?? {};
  const raw = withoutNulls(asRecord(news) ?? {});
  const parsed = ProgramInputsSchema.safeParse(raw);
  if (!parsed.success) return { inputs: raw, failures: failuresOf(parsed.error) };

  const inputs = parsed.data;
  const failures = modeFailures(inputs);
  if (failures.length > 0) return { inputs: raw, failures };

  const derived =
    inputs.encryptedEnv !== undefined ? preEncryptedKeys(inputs, previous) : envKeysOf(inputs, previous);
  if ("failures" in derived) return { inputs: raw, failures: derived.failures };
  const { envKeys: _folded, ...rest } = inputs;
  return { inputs: structSafe({ ...rest, ...derived }) };
}

function modeFailures(inputs: ProgramInputs): CheckFailure[] {
  const hasEnv = inputs.env !== undefined;
  const hasEncrypted = inputs.encryptedEnv !== undefined;
  if (hasEnv && hasEncrypted) {
    return [
      { property: "encryptedEnv", reason: "env and encryptedEnv are mutually exclusive; set one of them" },
    ];
  }
  if (!hasEnv && !hasEncrypted) {
    return [{ property: "env", reason: "set env (a map of values), or encryptedEnv together with envKeys" }];
  }
  if (hasEnv && inputs.envKeys !== undefined) {
    return [
      { property: "envKeys", reason: "envKeys is derived from env; set it only together with encryptedEnv" },
    ];
  }
  if (hasEncrypted && inputs.envKeys === undefined) {
    return [{ property: "envKeys", reason: "encryptedEnv needs envKeys, the keys it contains" }];
  }
  return [];
}

type Derived = { envRevisions: Props | typeof UNKNOWN };

function envKeysOf(inputs: ProgramInputs, previous: Props): Derived | { failures: CheckFailure[] } {
  const env = inputs.env;
  if (env === undefined || isUnknown(env)) return { envRevisions: UNKNOWN };
  const problems = envProblems(
    Object.entries(env).map(([key, value]) => ({ key, value: isUnknown(value) ? "" : value })),
  );
  if (problems.length > 0) return { failures: problems.map(envFailure("env")) };
  return { envRevisions: deriveEnvRevisions(env, asRecord(previous.env), asRecord(previous.envRevisions)) };
}

function preEncryptedKeys(inputs: ProgramInputs, previous: Props): Derived | { failures: CheckFailure[] } {
  const keys = inputs.envKeys;
  if (keys === undefined || isUnknown(keys) || keys.some(isUnknown)) {
    return { envRevisions: UNKNOWN };
  }
  const problems = envProblems(keys.map((key) => ({ key, value: "" })));
  if (problems.length > 0) return { failures: problems.map(envFailure("envKeys")) };
  return { envRevisions: carryEnvRevisions(keys, asRecord(previous.envRevisions)) };
}

const envFailure =
  (property: string) =>
  ({ key, problem }: { key: string; problem: string }): CheckFailure => ({
    property,
    reason: key ? `key ${JSON.stringify(key)} ${problem}` : problem,
  });
