/** The operations that reach the world; `provider.ts` loads this module on first use. */
export { createCvmEnvironment } from "./create";
export { deleteCvmEnvironment } from "./delete";
export { readCvmEnvironment } from "./read";
export { updateCvmEnvironment } from "./update";
