import {
  type EnvironmentVariables,
  PHALA_CONFIG_NAMESPACE,
  PHALA_SETTING_ENV_VARS,
  PHALA_SETTING_NAMES,
  type PhalaSettingName,
  type PhalaSettings,
  type SettingGetter,
} from "./settings";

const nonEmpty = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/** Pure: stack config wins over environment variables; empty values count as unset. */
export function resolvePhalaSettings(
  getSetting: SettingGetter,
  env: EnvironmentVariables = process.env,
): PhalaSettings {
  const settings: { -readonly [K in PhalaSettingName]?: string } = {};
  for (const name of PHALA_SETTING_NAMES) {
    const value = nonEmpty(getSetting(name)) ?? nonEmpty(env[PHALA_SETTING_ENV_VARS[name]]);
    if (value !== undefined) settings[name] = name === "apiUrl" ? value.replace(/\/+$/, "") : value;
  }
  return settings;
}

/** Adapts a getter that takes namespaced keys (the dynamic provider's `configure` request). */
export const namespacedGetter =
  (get: (key: string) => string | undefined, namespace = PHALA_CONFIG_NAMESPACE): SettingGetter =>
  (name) =>
    get(`${namespace}:${name}`);
