import { PhalaError } from "../phala-error";
import type { EnvVar } from "./env-var";

/** The guest's limits (dstack `parse_env_file.rs`); a violation aborts the CVM's boot. */
export const ENV_LIMITS = {
  maxEntries: 1024,
  maxKeyBytes: 255,
  maxValueBytes: 128 * 1024,
  maxTotalBytes: 1024 * 1024,
} as const;

const ENV_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface EnvProblem {
  /** The offending key (never a value). Empty for problems of the whole set. */
  key: string;
  problem: string;
}

export class EnvValidationError extends PhalaError {
  constructor(readonly problems: readonly EnvProblem[]) {
    super(
      `invalid environment: ${problems
        .map((p) => (p.key ? `${JSON.stringify(p.key)} ${p.problem}` : p.problem))
        .join("; ")}`,
    );
  }
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, "utf8");

/** Every reason the guest would refuse `env`; empty when it is acceptable. Messages name keys only. */
export function envProblems(env: readonly EnvVar[]): EnvProblem[] {
  const problems: EnvProblem[] = [];
  if (env.length > ENV_LIMITS.maxEntries) {
    problems.push({
      key: "",
      problem: `${env.length} variables exceed the limit of ${ENV_LIMITS.maxEntries}`,
    });
  }
  const seen = new Set<string>();
  let total = 0;
  for (const { key, value } of env) {
    const keyBytes = utf8Bytes(key);
    const valueBytes = utf8Bytes(value);
    total += keyBytes + valueBytes;
    const shownKey = keyBytes > ENV_LIMITS.maxKeyBytes ? `${key.slice(0, 32)}…` : key;
    if (seen.has(key)) problems.push({ key: shownKey, problem: "is given more than once" });
    seen.add(key);
    if (!ENV_KEY_PATTERN.test(key)) {
      problems.push({
        key: shownKey,
        problem: "is not a valid name (letters, digits, _; not starting with a digit)",
      });
    }
    if (keyBytes > ENV_LIMITS.maxKeyBytes) {
      problems.push({ key: shownKey, problem: `is ${keyBytes} bytes long, over ${ENV_LIMITS.maxKeyBytes}` });
    }
    if (valueBytes > ENV_LIMITS.maxValueBytes) {
      problems.push({
        key: shownKey,
        problem: `has a value of ${valueBytes} bytes, over ${ENV_LIMITS.maxValueBytes}`,
      });
    }
  }
  if (total > ENV_LIMITS.maxTotalBytes) {
    problems.push({
      key: "",
      problem: `keys and values total ${total} bytes, over ${ENV_LIMITS.maxTotalBytes}`,
    });
  }
  return problems;
}

/** Throws `EnvValidationError` naming every offending key when the guest would refuse `env`. */
export function validateEnv(env: readonly EnvVar[]): void {
  const problems = envProblems(env);
  if (problems.length > 0) throw new EnvValidationError(problems);
}
