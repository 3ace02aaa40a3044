import { PhalaClient, type PhalaClientOptions } from "../../../provider/api";
import type { TestServer } from "../../support/recording-server";
import { API_KEY } from "./fixtures";

/** A client for the test server, with millisecond retry delays. */
export function clientFor(server: TestServer, options: Partial<PhalaClientOptions> = {}): PhalaClient {
  return new PhalaClient({
    apiKey: API_KEY,
    baseUrl: server.apiUrl,
    timeoutMs: 5_000,
    ...options,
    retry: { limit: 3, baseDelayMs: 1, maxDelayMs: 5, ...options.retry },
  });
}

/** Runs `fn`, expecting it to reject; returns the rejection. */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, got a result");
}
