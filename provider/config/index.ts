export { MissingApiKeyError, requireApiKey } from "./missing-api-key-error";
export {
  InvalidPrivateKeyError,
  normalizePrivateKey,
  PRIVATE_KEY_PROBLEMS,
  privateKeyProblem,
} from "./private-key";
export { namespacedGetter, resolvePhalaSettings } from "./resolve-settings";
export {
  type EnvironmentVariables,
  PHALA_CONFIG_NAMESPACE,
  PHALA_SETTING_ENV_VARS,
  PHALA_SETTING_NAMES,
  type PhalaSettingName,
  type PhalaSettings,
  type SettingGetter,
} from "./settings";
