import { PhalaClient } from "../api";
import { normalizePrivateKey, type PhalaSettings, requireApiKey } from "../config";
import type { CvmEnvironmentApi, Signer } from "./ports";

/** Per-resource credentials override stack config and environment variables. */
export function signerFor(
  settings: PhalaSettings,
  perResource: { privateKey?: string; rpcUrl?: string },
): Signer {
  const privateKey = perResource.privateKey ?? settings.privateKey;
  const source = perResource.privateKey !== undefined ? "privateKey" : "phala:privateKey (or PRIVATE_KEY)";
  const rpcUrl = perResource.rpcUrl ?? settings.rpcUrl;
  return {
    ...(privateKey ? { privateKey: normalizePrivateKey(privateKey, source) } : {}),
    ...(rpcUrl ? { rpcUrl } : {}),
  };
}

/** The API client; a missing key is reported here, when the network is first needed (never at preview). */
export function apiFor(settings: PhalaSettings, onRetry?: (message: string) => void): CvmEnvironmentApi {
  return new PhalaClient({
    apiKey: requireApiKey(settings),
    ...(settings.apiUrl ? { baseUrl: settings.apiUrl } : {}),
    ...(onRetry
      ? {
          onRetry: (info) =>
            onRetry(`Retrying ${info.route} in ${info.delayMs} ms (attempt ${info.attempt})`),
        }
      : {}),
  });
}
