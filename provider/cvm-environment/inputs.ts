import { z } from "zod";
import { cvmIdProblem } from "../api/cvm-id";
import { privateKeyProblem } from "../config";
import { satisfies } from "../rule";
import { UNKNOWN } from "./unknown";

const orUnknown = <T extends z.ZodType>(schema: T) => z.union([z.literal(UNKNOWN), schema]);

const HEX_BYTES = /^(0x)?([0-9a-fA-F]{2})+$/;

/** Messages are fixed strings: a failing secret input must never be echoed into a reason. */
const cvmId = z.string({ error: "must be a CVM identifier" }).trim().superRefine(satisfies(cvmIdProblem));
const envMap = z.record(z.string(), orUnknown(z.string({ error: "every env value must be a string" })), {
  error: "must be a map of string values",
});
const encryptedEnv = z.string({ error: "must be a hex string" }).regex(HEX_BYTES, "must be a hex string");
/** Surrounding whitespace (a trailing newline from a file) is dropped; the range is checked here, before any request. */
const privateKey = z
  .string({ error: "must be a 32-byte hex private key" })
  .trim()
  .superRefine(satisfies(privateKeyProblem));
const rpcUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const flag = z.boolean({ error: "must be a boolean" });
const readyTimeoutSeconds = z
  .number({ error: "must be a number of seconds" })
  .int("must be a whole number of seconds")
  .min(1, "must be at least 1 second")
  .max(86_400, "must be at most 86400 seconds");

/** What the program sends to `check`: any value may still be unknown during preview; no other property. */
export const ProgramInputsSchema = z.strictObject({
  cvmId: orUnknown(cvmId),
  env: orUnknown(envMap).optional(),
  encryptedEnv: orUnknown(encryptedEnv).optional(),
  envKeys: orUnknown(z.array(orUnknown(z.string({ error: "every key must be a string" })))).optional(),
  privateKey: orUnknown(privateKey).optional(),
  rpcUrl: orUnknown(rpcUrl).optional(),
  waitForReady: orUnknown(flag).optional(),
  readyTimeoutSeconds: orUnknown(readyTimeoutSeconds).optional(),
  verifyComposeHash: orUnknown(flag).optional(),
  allowUnverifiedEnvPublicKey: orUnknown(flag).optional(),
  adoptExistingEnv: orUnknown(flag).optional(),
  overwriteForeignEnv: orUnknown(flag).optional(),
});
export type ProgramInputs = z.infer<typeof ProgramInputsSchema>;

/**
 * What `check` returns and create/update receive: fully known, with the derived per-key revisions
 * (the key set; a pre-encrypted `envKeys` is folded into it).
 */
export const CheckedInputsSchema = z.object({
  cvmId,
  env: z.record(z.string(), z.string()).optional(),
  encryptedEnv: encryptedEnv.optional(),
  envRevisions: z.record(z.string(), z.number().int().nonnegative()),
  privateKey: privateKey.optional(),
  rpcUrl: rpcUrl.optional(),
  waitForReady: flag.optional(),
  readyTimeoutSeconds: readyTimeoutSeconds.optional(),
  verifyComposeHash: flag.optional(),
  allowUnverifiedEnvPublicKey: flag.optional(),
  adoptExistingEnv: flag.optional(),
  overwriteForeignEnv: flag.optional(),
});
export type CheckedInputs = z.infer<typeof CheckedInputsSchema>;

export const INPUT_PROPERTY_NAMES = Object.keys(
  CheckedInputsSchema.shape,
) as readonly (keyof CheckedInputs)[];

export const DEFAULTS = {
  waitForReady: true,
  readyTimeoutSeconds: 600,
  verifyComposeHash: true,
  allowUnverifiedEnvPublicKey: false,
  adoptExistingEnv: false,
  overwriteForeignEnv: false,
} as const;

export interface ApplyOptions {
  readonly waitForReady: boolean;
  readonly readyTimeoutSeconds: number;
  readonly verifyComposeHash: boolean;
  readonly allowUnverifiedEnvPublicKey: boolean;
  readonly adoptExistingEnv: boolean;
  /** Update or clear an environment someone else wrote since this resource's last update. */
  readonly overwriteForeignEnv: boolean;
}

export const applyOptionsOf = (inputs: Partial<CheckedInputs>): ApplyOptions => ({
  waitForReady: inputs.waitForReady ?? DEFAULTS.waitForReady,
  readyTimeoutSeconds: inputs.readyTimeoutSeconds ?? DEFAULTS.readyTimeoutSeconds,
  verifyComposeHash: inputs.verifyComposeHash ?? DEFAULTS.verifyComposeHash,
  allowUnverifiedEnvPublicKey: inputs.allowUnverifiedEnvPublicKey ?? DEFAULTS.allowUnverifiedEnvPublicKey,
  adoptExistingEnv: inputs.adoptExistingEnv ?? DEFAULTS.adoptExistingEnv,
  overwriteForeignEnv: inputs.overwriteForeignEnv ?? DEFAULTS.overwriteForeignEnv,
});
