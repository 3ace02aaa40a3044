export * from "./errors";
export { createCvmEnvironmentProvider } from "./provider";
export type { ProviderOptions } from "./runtime";
export { UNKNOWN } from "./unknown";
