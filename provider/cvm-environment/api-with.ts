import type { CvmEnvironmentApi } from "./ports";

/** `api` with some of its calls replaced (each other call goes to `api`, bound to it). */
export const apiWith = (
  api: CvmEnvironmentApi,
  overrides: Partial<CvmEnvironmentApi>,
): CvmEnvironmentApi => ({
  getCvm: (...args) => api.getCvm(...args),
  getComposeFile: (...args) => api.getComposeFile(...args),
  composeFileOfLastDetail: (...args) => api.composeFileOfLastDetail(...args),
  listOperations: (...args) => api.listOperations(...args),
  getAppEnvEncryptPubkey: (...args) => api.getAppEnvEncryptPubkey(...args),
  getKmsOnChainDetail: (...args) => api.getKmsOnChainDetail(...args),
  listCvms: (...args) => api.listCvms(...args),
  patchEnvs: (...args) => api.patchEnvs(...args),
  ...overrides,
});
