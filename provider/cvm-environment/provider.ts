import type * as dynamic from "@pulumi/pulumi/dynamic";
import { namespacedGetter } from "../config";
import { checkCvmEnvironment } from "./check";
import { createCvmEnvironment } from "./create";
import { deleteCvmEnvironment } from "./delete";
import { diffCvmEnvironment } from "./diff";
import { readCvmEnvironment } from "./read";
import { redactError } from "./redact-error";
import { type ProviderOptions, ProviderRuntime } from "./runtime";
import { updateCvmEnvironment } from "./update";

/** The implementation behind the serialized shim; never serialized itself. */
export function createCvmEnvironmentProvider(options: ProviderOptions = {}): dynamic.ResourceProvider {
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
    create: (inputs) => guarded([inputs], () => createCvmEnvironment(runtime, inputs)),
    read: (id, props) => guarded([props], () => readCvmEnvironment(runtime, id, props)),
    update: (id, olds, news) => guarded([olds, news], () => updateCvmEnvironment(runtime, id, olds, news)),
    delete: (id, props) => guarded([props], () => deleteCvmEnvironment(runtime, id, props)),
  };
}
