import { createCvmEnvironmentProvider } from "./cvm-environment";
import type { CvmEnvironmentProvider } from "./cvm-environment/properties";

export * from "./config";
export { createCvmEnvironmentProvider, type ProviderOptions } from "./cvm-environment";

let provider: CvmEnvironmentProvider | undefined;

/** The CvmEnvironment implementation the serialized shim loads by package name (one per process). */
export function cvmEnvironmentProvider(): CvmEnvironmentProvider {
  provider ??= createCvmEnvironmentProvider();
  return provider;
}
