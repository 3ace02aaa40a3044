import { PHALA_SETTING_ENV_VARS } from "./settings";

export class MissingApiKeyError extends Error {
  constructor() {
    super(
      "Phala Cloud API key is not configured: run `pulumi config set --secret phala:apiKey <key>` " +
        `or set the ${PHALA_SETTING_ENV_VARS.apiKey} environment variable.`,
    );
    this.name = "MissingApiKeyError";
  }
}

export function requireApiKey(settings: { readonly apiKey?: string }): string {
  if (!settings.apiKey) throw new MissingApiKeyError();
  return settings.apiKey;
}
