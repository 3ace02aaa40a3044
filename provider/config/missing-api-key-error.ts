import { PhalaError } from "../phala-error";
import { PHALA_SETTING_ENV_VARS } from "./settings";

export class MissingApiKeyError extends PhalaError {
  constructor() {
    super(
      "Phala Cloud API key is not configured: run `pulumi config set --secret phala:apiKey <key>` " +
        `or set the ${PHALA_SETTING_ENV_VARS.apiKey} environment variable.`,
    );
  }
}

export function requireApiKey(settings: { readonly apiKey?: string }): string {
  if (!settings.apiKey) throw new MissingApiKeyError();
  return settings.apiKey;
}
