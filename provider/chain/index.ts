export { addComposeHashSelector, composeHashAddedEvent, composeHashAddedTopic, dstackAppAbi } from "./abi";
export { checkChainId } from "./check-chain-id";
export { addComposeHashCalldata, normalizeComposeHash } from "./compose-hash";
export { isComposeHashAddedLog } from "./compose-hash-log";
export {
  AppContractNotFoundError,
  ChainIdMismatchError,
  ChainRpcError,
  ComposeHashEventMissingError,
  InvalidChainParamsError,
  InvalidComposeHashError,
  type OwnerActionReason,
  OwnerActionRequiredError,
  PhalaChainError,
  ReceiptTimeoutError,
  RegistrationNotFoundError,
  TransactionRevertedError,
  TransactionSendError,
} from "./errors";
export {
  DEFAULT_LOG_SEARCH_BLOCKS,
  DEFAULT_LOG_WINDOW_BLOCKS,
  type FindRegistrationParams,
  type FindRegistrationResult,
  findRegistration,
  type Registration,
} from "./find-registration";
export { type OwnerCall, type OwnerMethod, ownerCalls } from "./owner-calls";
export { describeCause, redactRpcUrl, rpcUrlSecrets } from "./redact";
export {
  type RegisterComposeHashParams,
  type RegisterComposeHashResult,
  registerComposeHash,
} from "./register-compose-hash";
export { signerLockKey, withSignerLock } from "./signer-lock";
