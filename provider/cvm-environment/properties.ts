/**
 * Every property of `CvmEnvironment`, declared once. Plain data, loaded by the SDK at program start
 * (so nothing but types is imported here): the SDK derives its args type, its output types and placeholders and
 * its secret outputs from it; the provider derives its zod schemas, defaults and state helpers.
 * The doc comment of each entry is what users see in their IDE, on the args and on the output.
 */
import type { ResourceProvider } from "@pulumi/pulumi/dynamic";
import type { Unknown } from "./unknown";

export const CVM_ENVIRONMENT_PROPERTIES = {
  /** The CVM: its id, `app_<hex>` / bare app id, vm uuid, instance id or name. Changing it replaces the resource. */
  cvmId: { role: "input", type: "string", required: true },
  /**
   * The complete environment, encrypted on this machine to the CVM's env key. Always stored as a
   * secret. Preview names added, removed and changed keys, never values. Exclusive with `encryptedEnv`.
   */
  env: { role: "input", type: "stringMap", secret: "input" },
  /** A ciphertext made elsewhere (hex of the dstack env blob); needs `envKeys`. Exclusive with `env`. Secret output. */
  encryptedEnv: { role: "input", type: "string", secret: "output" },
  /**
   * The keys `encryptedEnv` contains (becomes the CVM's `allowed_envs`). Only with `encryptedEnv`.
   * As an output: the sorted keys of the environment, in either mode.
   */
  envKeys: { role: "input", type: "stringList", checked: false, always: true },
  /**
   * The key set, keyed by env key so that preview names keys: per key, a counter that grows each time
   * the key's value changes (never the value or a hash of it); 0 for a key refresh found only on the CVM.
   */
  envRevisions: { role: "derived", type: "countMap", always: true },
  /** Signer for the on-chain registration; overrides `phala:privateKey` / `PRIVATE_KEY`. Secret. */
  privateKey: { role: "input", type: "string", secret: "input" },
  /** Chain RPC URL; overrides `phala:rpcUrl` / `ETH_RPC_URL`. Secret (URLs often embed API keys). */
  rpcUrl: { role: "input", type: "string", secret: "input" },
  /** Wait until the CVM has applied the environment (default true). */
  waitForReady: { role: "input", type: "boolean", default: true },
  /** How long to wait, in seconds (default 600). */
  readyTimeoutSeconds: { role: "input", type: "number", default: 600 },
  /** Check the compose hash to be registered against the CVM's compose file before signing (default true). */
  verifyComposeHash: { role: "input", type: "boolean", default: true },
  /**
   * For an on-chain KMS, encrypt even when the KMS signature over the CVM's env public key cannot be
   * checked (no signing key from the CVM detail, the API's on-chain KMS list or `DstackKms.kmsInfo()`).
   * Default false: such an update fails before anything is encrypted or sent.
   */
  allowUnverifiedEnvPublicKey: { role: "input", type: "boolean", default: false },
  /**
   * Allow creating this resource on a CVM that already allows keys not declared here (they are
   * removed), or whose environment was written through the API by someone else (it is replaced).
   * Without it, create fails and names those keys or that operation (default false).
   */
  adoptExistingEnv: { role: "input", type: "boolean", default: false },
  /**
   * Allow an update or destroy to overwrite an environment that was written outside this resource
   * since its last update (another stack, the dashboard, a CLI). Without it, they fail and name the
   * foreign operation (default false).
   */
  overwriteForeignEnv: { role: "input", type: "boolean", default: false },
  /** The CVM id the API returned (also the resource id); used for every later call. */
  canonicalCvmId: { role: "computed", type: "string", always: true },
  /** The CVM's app id. */
  appId: { role: "computed", type: "string" },
  /** The workspace the CVM belongs to: a 404 counts as "deleted" only when the API key sees that workspace. */
  workspaceId: { role: "computed", type: "string" },
  /** `phala`, `ethereum`, `base`, … */
  kmsType: { role: "computed", type: "string" },
  /** Chain of an on-chain KMS; undefined for a CVM whose KMS is not governed on-chain. */
  chainId: { role: "computed", type: "number" },
  /** The env public key the environment was encrypted to. */
  envPublicKey: { role: "computed", type: "string" },
  /** True only when a KMS signature over the env public key was checked. */
  envPublicKeyVerified: { role: "computed", type: "boolean" },
  /** The CVM's compose hash after the last update. */
  composeHash: { role: "computed", type: "string" },
  /** The `addComposeHash` transaction of the last key-set change on an on-chain KMS. */
  registrationTransactionHash: { role: "computed", type: "string" },
  /** Correlation id of the last update operation on the CVM. */
  correlationId: { role: "computed", type: "string" },
  /** Set by refresh: an env write on the CVM since `correlationId` that this resource did not make. */
  foreignEnvWrite: { role: "computed", type: "string" },
} as const satisfies Readonly<Record<string, PropertySpec>>;

/** The value type each `type` tag stands for (as stored; the SDK lets each part be an Input). */
export interface PropertyTypes {
  string: string;
  number: number;
  boolean: boolean;
  stringMap: Record<string, string>;
  stringList: string[];
  countMap: Record<string, number>;
}

interface PropertySpec {
  /** `input`: the program sets it; `derived`: `check` computes it; `computed`: create, update or refresh report it. */
  readonly role: "input" | "derived" | "computed";
  readonly type: keyof PropertyTypes;
  /** An input the program must set. */
  readonly required?: true;
  /** `input`: the SDK marks the program's value secret as well; `output`: secret as an output only. */
  readonly secret?: "input" | "output";
  /** What an unset option means. */
  readonly default?: boolean | number;
  /** `false`: an input that `check` folds into another property; create and update never see it. */
  readonly checked?: false;
  /** Every create and update result holds it. */
  readonly always?: true;
}

/** Map over `keyof Properties` (not `PropertyName`) to keep each property's doc comment. */
export type Properties = typeof CVM_ENVIRONMENT_PROPERTIES;
export type PropertyName = keyof Properties;
/** The names whose spec matches `Condition`. */
export type NamesWhere<Condition> = {
  [K in PropertyName]: Properties[K] extends Condition ? K : never;
}[PropertyName];
export type ValueOf<K extends PropertyName> = PropertyTypes[Properties[K]["type"]];

export type InputName = NamesWhere<{ role: "input" }>;
/** What `check` hands to create and update. */
export type CheckedName = Exclude<NamesWhere<{ role: "input" | "derived" }>, NamesWhere<{ checked: false }>>;
export type OptionName = NamesWhere<{ default: boolean | number }>;

/**
 * `Names` as an object whose values have the types `Types` gives each `type` tag, optional but for
 * `Present`. A mapped type over the declaration: each property keeps its doc comment.
 */
export type ShapeOf<
  Types extends { [T in keyof PropertyTypes]: unknown },
  Names extends PropertyName,
  Present extends PropertyName = never,
> = {
  [K in keyof Properties as K extends Names & Present ? K : never]: Types[Properties[K]["type"]];
} & {
  [K in keyof Properties as K extends Exclude<Names, Present> ? K : never]?: Types[Properties[K]["type"]];
};
export type ValuesOf<Names extends PropertyName, Present extends PropertyName = never> = ShapeOf<
  PropertyTypes,
  Names,
  Present
>;
/** Set by every program: the required inputs. */
export type RequiredName = NamesWhere<{ required: true }>;
/** Present in every create and update result. */
export type AlwaysPresentName = NamesWhere<{ required: true } | { always: true }>;

/** Inputs after `check`: fully known, with the derived key set. */
export type CheckedInputs = ValuesOf<CheckedName, RequiredName | NamesWhere<{ role: "derived" }>>;
/** What create and update return, stored as the resource's state. */
export type CvmEnvironmentOutputs = ValuesOf<PropertyName, AlwaysPresentName>;
/** The values of the options, defaults filled in. */
export type ApplyOptions = { [K in OptionName]: ValueOf<K> };

export const specOf = (name: PropertyName): PropertySpec => CVM_ENVIRONMENT_PROPERTIES[name];
export const PROPERTY_NAMES = Object.keys(CVM_ENVIRONMENT_PROPERTIES) as PropertyName[];
/** The declared names whose spec passes `test`, in declaration order. */
export const namesWhere = (test: (spec: PropertySpec) => boolean): PropertyName[] =>
  PROPERTY_NAMES.filter((name) => test(specOf(name)));

export const INPUT_NAMES = namesWhere((spec) => spec.role === "input") as InputName[];
export const CHECKED_NAMES = namesWhere(
  (spec) => spec.role !== "computed" && spec.checked !== false,
) as CheckedName[];
/** Secret from the program's value on (the SDK marks the input secret too). */
export const SECRET_INPUT_NAMES = namesWhere((spec) => spec.secret === "input");
/** Secret as outputs (`additionalSecretOutputs`), and never echoed by a failed check. */
export const SECRET_NAMES = [...SECRET_INPUT_NAMES, ...namesWhere((spec) => spec.secret === "output")];
/** Present in every create and update result. */
export const ALWAYS_PRESENT_NAMES = namesWhere((spec) => spec.required === true || spec.always === true);

/**
 * The input bag as the engine carries it: the program's inputs, or what `check` made of them. Any
 * property may be missing (a failed check hands back only what it can show), and during preview any
 * value may still be unknown; every entry point parses what it receives.
 */
export type CvmEnvironmentInputs = Previewable<ValuesOf<InputName | CheckedName>>;
/**
 * State as stored and as the engine hands it back: what create, update or refresh returned. Every
 * property is optional: a state written by an earlier release must still refresh and destroy.
 */
export type StoredOutputs = Partial<CvmEnvironmentOutputs>;
/** The provider behind the serialized shim, typed with the SDK's generic dynamic provider. */
export type CvmEnvironmentProvider = ResourceProvider<CvmEnvironmentInputs, StoredOutputs>;
/** During preview any value may still be unknown: the whole, or an entry of a map or list. */
export type Previewable<T> = { [K in keyof T]: PartlyUnknown<T[K]> | Unknown };
type PartlyUnknown<T> = T extends readonly (infer E)[]
  ? (E | Unknown)[]
  : T extends object
    ? { [K in keyof T]: T[K] | Unknown }
    : T;
