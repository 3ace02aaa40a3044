import { namespacedGetter } from "../config";
import { lazyModule } from "../lazy-module";
import { redactError } from "../redact";
import { checkCvmEnvironment } from "./check";
import { diffCvmEnvironment } from "./diff";
import type { CvmEnvironmentProvider } from "./properties";
import { type ProviderOptions, ProviderRuntime } from "./runtime";

/** The operations that reach the world (API client, crypto, chain) load on first use: check and diff stay light. */
const operations = lazyModule<typeof import("./operations")>(require, "./operations");

/**
 * The implementation behind the serialized shim; never serialized itself. Each entry point parses
 * what the engine hands it with `parseArgument` before acting on it.
 */
export function createCvmEnvironmentProvider(options: ProviderOptions = {}): CvmEnvironmentProvider {
  const runtime = new ProviderRuntime(options);
  const guarded = async <T>(props: unknown[], run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw redactError(
        error,
        props.flatMap((p) => runtime.secrets((p ?? {}) as Record<string, unknown>)),
      );
    }
  };
  return {
    async configure(req) {
      runtime.configure(namespacedGetter((key) => req.config.get(key)));
    },
    async check(olds, news) {
      return checkCvmEnvironment(olds, news);
    },
    async diff(_id, olds, news) {
      return diffCvmEnvironment(olds, news);
    },
    create: (inputs) => guarded([inputs], () => operations().createCvmEnvironment(runtime, inputs)),
    read: (id, props) => guarded([props], () => operations().readCvmEnvironment(runtime, id, props)),
    update: (id, olds, news) =>
      guarded([olds, news], () => operations().updateCvmEnvironment(runtime, id, olds, news)),
    delete: (id, props) => guarded([props], () => operations().deleteCvmEnvironment(runtime, id, props)),
  };
}
