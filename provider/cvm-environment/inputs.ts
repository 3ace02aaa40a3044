import { z } from "zod";
import { cvmIdProblem } from "../api/cvm-id";
import { privateKeyProblem } from "../config";
import { satisfies } from "../rule";
import {
  type ApplyOptions,
  CHECKED_NAMES,
  type CheckedInputs,
  INPUT_NAMES,
  type InputName,
  type NamesWhere,
  namesWhere,
  type OptionName,
  type Previewable,
  type PropertyName,
  type PropertyTypes,
  specOf,
  type ValueOf,
  type ValuesOf,
} from "./properties";
import { UNKNOWN } from "./unknown";

export type { ApplyOptions, CheckedInputs } from "./properties";

const orUnknown = <T extends z.ZodType>(schema: T) => z.union([z.literal(UNKNOWN), schema]);

const HEX_BYTES = /^(0x)?([0-9a-fA-F]{2})+$/;

/** Messages are fixed strings: a failing secret input must never be echoed into a reason. */
const cvmId = z.string({ error: "must be a CVM identifier" }).trim().superRefine(satisfies(cvmIdProblem));
const envValue = z.string({ error: "every env value must be a string" });
const envKey = z.string({ error: "every key must be a string" });
const envMapOf = <T extends z.ZodType>(value: T) =>
  z.record(z.string(), value, { error: "must be a map of string values" });
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

/** What `check` accepts for each input (and derives), fully known. */
const CHECKED_VALUES: { readonly [K in NamesWhere<{ role: "input" | "derived" }>]: z.ZodType<ValueOf<K>> } = {
  cvmId,
  env: envMapOf(envValue),
  encryptedEnv,
  envKeys: z.array(envKey),
  envRevisions: z.record(z.string(), z.number().int().nonnegative()),
  privateKey,
  rpcUrl,
  waitForReady: flag,
  readyTimeoutSeconds,
  verifyComposeHash: flag,
  allowUnverifiedEnvPublicKey: flag,
  adoptExistingEnv: flag,
  overwriteForeignEnv: flag,
};

/** The containers whose parts may be unknown while the whole is known (preview). */
const PREVIEW_VALUES: Partial<Record<PropertyName, z.ZodType>> = {
  env: envMapOf(orUnknown(envValue)),
  envKeys: z.array(orUnknown(envKey)),
  envRevisions: z.record(z.string(), orUnknown(z.number())),
};

/** Computed outputs and stored state are checked for their type only: they were checked when made. */
const TYPE_VALUES: { readonly [T in keyof PropertyTypes]: z.ZodType<PropertyTypes[T]> } = {
  string: z.string(),
  number: z.number(),
  boolean: z.boolean(),
  stringMap: z.record(z.string(), z.string()),
  stringList: z.array(z.string()),
  countMap: z.record(z.string(), z.number()),
};

const checkedValue = (name: PropertyName): z.ZodType =>
  (CHECKED_VALUES as Partial<Record<PropertyName, z.ZodType>>)[name] ?? typeValue(name);
export const typeValue = (name: PropertyName): z.ZodType => TYPE_VALUES[specOf(name).type];

/**
 * An object schema over declared properties. The cast is the one place where the declaration's
 * runtime form meets its type form (`properties.ts` derives both `T` and `names` from one object).
 */
export function propertiesSchema<T>(
  names: readonly PropertyName[],
  schemaOf: (name: PropertyName) => z.ZodType,
  isRequired: (name: PropertyName) => boolean,
  { strict = false } = {},
): z.ZodType<T> {
  const shape = Object.fromEntries(
    names.map((name) => [name, isRequired(name) ? schemaOf(name) : schemaOf(name).optional()]),
  );
  return (strict ? z.strictObject(shape) : z.object(shape)) as unknown as z.ZodType<T>;
}

const isRequiredInput = (name: PropertyName) => specOf(name).required === true;

/** What the program sends to `check`: any value may still be unknown during preview; no other property. */
export type ProgramInputs = Previewable<ValuesOf<InputName, "cvmId">>;
export const ProgramInputsSchema = propertiesSchema<ProgramInputs>(
  INPUT_NAMES,
  (name) => orUnknown(PREVIEW_VALUES[name] ?? checkedValue(name)),
  isRequiredInput,
  { strict: true },
);

/**
 * What `check` returns and create/update receive: fully known, with the derived per-key revisions
 * (the key set; a pre-encrypted `envKeys` is folded into it).
 */
export const CheckedInputsSchema = propertiesSchema<CheckedInputs>(
  CHECKED_NAMES,
  checkedValue,
  (name) => isRequiredInput(name) || specOf(name).role === "derived",
);

/** Checked inputs as `diff` receives them during preview: any value, or part of one, may be unknown. */
export type PreviewInputs = Previewable<Partial<CheckedInputs>>;
export const PreviewInputsSchema = propertiesSchema<PreviewInputs>(
  CHECKED_NAMES,
  (name) => orUnknown(PREVIEW_VALUES[name] ?? typeValue(name)),
  () => false,
);

/** The options with their defaults filled in. */
export const applyOptionsOf = (inputs: Partial<ApplyOptions>): ApplyOptions => {
  const options: Partial<Record<OptionName, boolean | number>> = {};
  for (const name of namesWhere((spec) => spec.default !== undefined) as OptionName[]) {
    options[name] = inputs[name] ?? specOf(name).default;
  }
  return options as ApplyOptions;
};
