import type { RecordedExchange } from "../../emulator/index";
import { type Exchange, openApi } from "./openapi";

/** Something that hands over its recorded API exchanges (an `Emulator`). */
export type ExchangeSource = { takeExchanges(): RecordedExchange[] };

const watched = new Set<ExchangeSource>();

/**
 * Puts an emulator under contract check: after every test, each exchange it recorded must conform to the
 * published OpenAPI document (request body and query as the client sent them, status and response body as
 * the emulator answered), or the test fails naming the operation and the field. Returns the emulator.
 */
export function checkAgainstOpenApi<T extends ExchangeSource>(emulator: T): T {
  watched.add(emulator);
  return emulator;
}

/**
 * What of a recorded exchange the document can judge. An answer a test injected (`faulted`) is not the
 * emulator's, so only the request is checked. A request the emulator rejected as invalid (422) was sent
 * invalid on purpose, so only the answer is checked. A path the emulator does not serve is left out.
 */
export function toCheckedExchange(recorded: RecordedExchange): Exchange | undefined {
  if (recorded.route.endsWith("<unmatched>") || recorded.status === "dropped") return undefined;
  const invalidOnPurpose = recorded.status === 422;
  const exchange: Exchange = { method: recorded.method, path: recorded.path };
  if (!invalidOnPurpose) exchange.query = recorded.query;
  if (!invalidOnPurpose && recorded.requestBody) exchange.requestBody = parseBody(recorded.requestBody);
  if (!invalidOnPurpose && recorded.requestBody === "") exchange.noRequestBody = true;
  if (!recorded.faulted) {
    exchange.status = recorded.status;
    exchange.responseBody = recorded.responseBody;
  }
  return exchange;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function assertExchangesConform(recorded: readonly RecordedExchange[]): void {
  const exchanges = recorded.flatMap((r) => toCheckedExchange(r) ?? []);
  if (exchanges.length === 0) return;
  openApi().assertConforms(exchanges);
}

/** Root hooks (loaded through .mocharc): the check after each test. */
export const mochaHooks = {
  afterEach(): void {
    const taken = [...watched].flatMap((source) => source.takeExchanges());
    assertExchangesConform(taken);
  },
};
