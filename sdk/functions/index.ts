export { type ArgumentProblem, InvalidArgumentError } from "./argument-error";
export {
  type GetAppEnvEncryptPubKeyArgs,
  type GetAppEnvEncryptPubKeyOutputArgs,
  type GetAppEnvEncryptPubKeyResult,
  getAppEnvEncryptPubKey,
  getAppEnvEncryptPubKeyOutput,
  type KmsPublicKeySource,
} from "./get-app-env-encrypt-pub-key";
export { type GetCvmArgs, type GetCvmOutputArgs, type GetCvmResult, getCvm, getCvmOutput } from "./get-cvm";
export {
  type GetKmsInfoArgs,
  type GetKmsInfoOutputArgs,
  type GetKmsInfoResult,
  getKmsInfo,
  getKmsInfoOutput,
} from "./get-kms-info";
export {
  type GetKmsListArgs,
  type GetKmsListOutputArgs,
  type GetKmsListResult,
  getKmsList,
  getKmsListOutput,
} from "./get-kms-list";
export {
  type GetKmsOnChainDetailArgs,
  type GetKmsOnChainDetailOutputArgs,
  type GetKmsOnChainDetailResult,
  getKmsOnChainDetail,
  getKmsOnChainDetailOutput,
  KMS_CHAINS,
  type KmsChain,
  type KmsContract,
  type KmsDevice,
  type KmsOsImage,
} from "./get-kms-on-chain-detail";
export {
  type GetNextAppIdsArgs,
  type GetNextAppIdsOutputArgs,
  type GetNextAppIdsResult,
  getNextAppIds,
  getNextAppIdsOutput,
  type NextAppId,
} from "./get-next-app-ids";
export type {
  ConnectionArgs,
  OutputArgs,
  PhalaInvokeOptions,
  PhalaInvokeOutputOptions,
} from "./invoke";
export type { KmsEntry } from "./kms-entry";
export { EnvPublicKeySignatureError } from "./signature-mismatch-error";
