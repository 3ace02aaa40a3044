import type * as dynamic from "@pulumi/pulumi/dynamic";
import { createCvmEnvironmentProvider } from "./cvm-environment";

export * from "./config";
export { createCvmEnvironmentProvider, type ProviderOptions } from "./cvm-environment";

let provider: dynamic.ResourceProvider | undefined;

/** The CvmEnvironment implementation the serialized shim loads by package name (one per process). */
export function cvmEnvironmentProvider(): dynamic.ResourceProvider {
  provider ??= createCvmEnvironmentProvider();
  return provider;
}
