export type { CvmEnvironmentArgs } from "./cvm-environment/args";
export { CvmEnvironment } from "./cvm-environment/cvm-environment";
export * from "./functions";
