import * as pulumi from "@pulumi/pulumi";

const ENV_VARS = ["PHALA_CLOUD_API_KEY", "PHALA_CLOUD_API_PREFIX"] as const;

export interface TestSettings {
  /** Stack config as `phala:<name>` keys; `apiKey` is stored as a secret key. */
  config?: { apiKey?: string; apiUrl?: string };
  env?: { PHALA_CLOUD_API_KEY?: string; PHALA_CLOUD_API_PREFIX?: string };
}

/**
 * Replaces the Phala stack config and environment variables for one test; the returned function
 * restores the environment and clears the config.
 */
export function useSettings(settings: TestSettings): () => void {
  const saved = new Map(ENV_VARS.map((name) => [name, process.env[name]]));
  for (const name of ENV_VARS) {
    const value = settings.env?.[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const config: Record<string, string> = {};
  if (settings.config?.apiKey !== undefined) config["phala:apiKey"] = settings.config.apiKey;
  if (settings.config?.apiUrl !== undefined) config["phala:apiUrl"] = settings.config.apiUrl;
  pulumi.runtime.setAllConfig(config, settings.config?.apiKey === undefined ? [] : ["phala:apiKey"]);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    pulumi.runtime.setAllConfig({}, []);
  };
}
