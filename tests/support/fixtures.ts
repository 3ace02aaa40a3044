import { type AnvilNode, type AnvilOptions, startAnvil } from "../../emulator/chain/anvil";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator/index";
import { checkAgainstOpenApi } from "./openapi-conformance";

/** What a suite starts and stops: an emulator, an anvil node. */
export type Stoppable = { stop(): Promise<void> };

/**
 * A resource of the calling suite: `start` runs in a `before` hook (`beforeEach` with `per: "test"`,
 * for a fresh one in every test) and the resource is stopped in the matching `after` hook. The value
 * returned stands for the running resource inside tests and hooks; using it while the suite is being
 * declared, before the hook ran, throws. Mocha runs hooks in declaration order: a suite's `before`
 * declared after this call finds the resource running, and an `after` that still needs it is declared
 * before this call.
 */
export function useStarted<T extends Stoppable>(
  what: string,
  start: () => Promise<T>,
  per: "suite" | "test" = "suite",
): T {
  let running: T | undefined;
  const [setUp, tearDown] = per === "suite" ? [before, after] : [beforeEach, afterEach];
  setUp(async () => {
    running = await start();
  });
  tearDown(async () => {
    const stopping = running;
    running = undefined;
    await stopping?.stop();
  });
  return new Proxy({} as T, {
    get(_target, property) {
      if (!running) throw new Error(`${what} is not running (use it inside tests and hooks)`);
      return Reflect.get(running, property);
    },
  });
}

/**
 * The suite's emulator: operations take 100 ms unless the settings say otherwise, and every exchange
 * is checked against the OpenAPI document after each test.
 */
export function useEmulator(options: EmulatorOptions = {}): Emulator {
  return useStarted("the suite's emulator", async () =>
    checkAgainstOpenApi(
      await startEmulator({ ...options, settings: { operationDurationMs: 100, ...options.settings } }),
    ),
  );
}

/** The suite's anvil node (a fresh one in every test with `per: "test"`). */
export function useAnvil(options: AnvilOptions = {}, per: "suite" | "test" = "suite"): AnvilNode {
  return useStarted("the suite's anvil node", () => startAnvil(options), per);
}
